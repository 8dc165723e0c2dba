import { localDay } from '../day.js';
import { errorMessage } from '../errors.js';
import { formatDate } from '../format.js';
import { Link } from '@tanstack/react-router';
import { trpc, type RouterOutputs } from '../trpc.js';
import { Tag } from './Tag.js';
import '../workday.css';

export type TaskItem = RouterOutputs['tasks']['list']['items'][number];

/** Refreshes everything that shows tasks or counts them after a change. */
export function useTaskChanged() {
  const utils = trpc.useUtils();
  return () => Promise.all([utils.tasks.invalidate(), utils.renewals.list.invalidate(), utils.playbooks.invalidate()]);
}

function TaskRow({ task, showAccount }: { task: TaskItem; showAccount: boolean }) {
  const changed = useTaskChanged();
  const complete = trpc.tasks.complete.useMutation({ onSuccess: changed });
  const reschedule = trpc.tasks.update.useMutation({ onSuccess: changed });
  const error = complete.error ?? reschedule.error;
  const busy = complete.isPending || reschedule.isPending;
  const tomorrow = localDay(1);
  const nextWeek = localDay(7);
  return (
    <li className="task-row">
      <div className="task-main">
        <span className="task-title">{task.title}</span>
        <span className="task-meta">
          {showAccount && (
            <Link to="/accounts/$accountId" params={{ accountId: task.account.id }}>
              {task.account.name}
            </Link>
          )}
          <span>Due {formatDate(task.dueDate)}</span>
          {task.overdue && <Tag tone="danger">Overdue</Tag>}
          {task.priority === 'high' && <Tag tone="warning">High priority</Tag>}
          {task.playbookStep && (
            <Link to="/playbooks/$executionId" params={{ executionId: task.playbookStep.executionId }}>
              Playbook step
            </Link>
          )}
          {task.source === 'trigger' && <Tag tone="primary">From a trigger</Tag>}
          {task.assignee && !showAccount && <span>{task.assignee.name}</span>}
        </span>
        {error && (
          <p className="form-error" role="alert">
            {errorMessage(error)}
          </p>
        )}
      </div>
      {task.status === 'open' && (
        <div className="task-actions">
          <button
            type="button"
            className="button button-primary button-small"
            disabled={busy}
            onClick={() => complete.mutate({ id: task.id })}
            aria-label={`Complete ${task.title}`}
          >
            Complete
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={busy}
            onClick={() => reschedule.mutate({ id: task.id, dueDate: task.dueDate < tomorrow ? tomorrow : nextWeek })}
            aria-label={`Move ${task.title} to ${task.dueDate < tomorrow ? 'tomorrow' : 'next week'}`}
          >
            {task.dueDate < tomorrow ? 'Tomorrow' : 'Next week'}
          </button>
        </div>
      )}
    </li>
  );
}

/** Tasks with one-click complete and reschedule (to tomorrow, or a week on when already in the future). */
export function TaskList({ tasks, showAccount = true, label }: { tasks: TaskItem[]; showAccount?: boolean; label: string }) {
  return (
    <ul className="task-list" aria-label={label}>
      {tasks.map((task) => (
        <TaskRow key={task.id} task={task} showAccount={showAccount} />
      ))}
    </ul>
  );
}
