import { formatDate, formatScore } from '../format.js';
import { Link } from '@tanstack/react-router';
import type { RouterOutputs } from '../trpc.js';
import { useServerNow } from '../server-clock.js';
import { ProgressBar } from './ProgressBar.js';
import { Tag, type TagTone } from './Tag.js';

export type ExecutionSummary = RouterOutputs['playbooks']['list']['items'][number];
export type ExecutionStatus = ExecutionSummary['status'];

export const executionStatusLabels: Record<ExecutionStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** Every status the API answers with: the keys of a record its type keeps complete. */
export const executionStatuses = Object.keys(executionStatusLabels) as ExecutionStatus[];

const statusTones: Record<ExecutionStatus, TagTone> = { active: 'primary', paused: 'warning', completed: 'success', cancelled: 'neutral' };

export function ExecutionStatusTag({ status }: { status: ExecutionStatus }) {
  return <Tag tone={statusTones[status]}>{executionStatusLabels[status]}</Tag>;
}

/** One playbook run on a board: what, for whom, how far along, and by when. */
export function ExecutionCard({ execution, showAccount = true }: { execution: ExecutionSummary; showAccount?: boolean }) {
  const { progress } = execution;
  const now = useServerNow(60_000);
  const overdue = execution.status === 'active' && new Date(execution.dueAt).getTime() < now;
  return (
    <article className="execution-card">
      <header className="execution-card-header">
        <h3 className="execution-card-title">
          <Link to="/playbooks/$executionId" params={{ executionId: execution.id }}>
            {execution.playbook.name}
            {showAccount && <span className="execution-card-account"> · {execution.account.name}</span>}
          </Link>
        </h3>
        <ExecutionStatusTag status={execution.status} />
      </header>
      <ProgressBar
        label={`Progress of ${execution.playbook.name} for ${execution.account.name}`}
        percent={progress.percent}
        valueText={`${progress.done + progress.skipped} of ${progress.total} steps resolved`}
      />
      <p className="execution-card-meta">
        <span>
          {progress.done + progress.skipped}/{progress.total} steps
        </span>
        <span className={overdue ? 'overdue' : undefined}>
          {execution.endedAt ? `Ended ${formatDate(execution.endedAt)}` : `${overdue ? 'Overdue since' : 'Due'} ${formatDate(execution.dueAt)}`}
        </span>
        <span>Health at start {formatScore(execution.healthAtStart)}</span>
      </p>
    </article>
  );
}
