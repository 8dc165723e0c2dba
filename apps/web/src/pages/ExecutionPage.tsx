import { useState, type FormEvent } from 'react';
import { textLimits } from '@pulse/api/limits';
import { Card } from '../components/Card.js';
import { Dialog } from '../components/Dialog.js';
import { ExecutionStatusTag } from '../components/ExecutionCard.js';
import { Field, FormError, TextAreaField } from '../components/Field.js';
import { Page } from '../components/Page.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { EmptyState, ErrorState, LoadingState } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { saveFile } from '../download.js';
import { errorMessage, formErrors } from '../errors.js';
import { formatDate, formatDateTime, formatScore } from '../format.js';
import { getRouteApi, Link } from '@tanstack/react-router';
import { trpc, type RouterOutputs } from '../trpc.js';
import { formText } from '../form.js';

type Execution = RouterOutputs['playbooks']['byId'];
type Step = Execution['steps'][number];

/** After any change: the run itself from the answer, the lists and boards refetched. */
function useExecutionUpdate() {
  const utils = trpc.useUtils();
  return async (execution: Execution) => {
    utils.playbooks.byId.setData({ id: execution.id }, execution);
    await Promise.all([utils.playbooks.list.invalidate(), utils.playbooks.recommendations.invalidate(), utils.playbooks.report.invalidate()]);
  };
}

const auditLabels: Record<string, string> = {
  'playbook.start': 'started the playbook',
  'playbook.step_complete': 'completed step',
  'playbook.step_skip': 'skipped step',
  'playbook.pause': 'paused the playbook',
  'playbook.resume': 'resumed the playbook',
  'playbook.cancel': 'cancelled the playbook',
  'playbook.complete': 'completed the playbook',
};

function stepOfAudit(details: unknown): string {
  const step = (details as { step?: number } | null)?.step;
  return typeof step === 'number' ? ` ${step}` : '';
}

function StepForm({ execution, step, mode, onDone }: { execution: Execution; step: Step; mode: 'complete' | 'skip'; onDone: () => void }) {
  const update = useExecutionUpdate();
  const onSuccess = async (updated: Execution) => {
    onDone();
    await update(updated);
  };
  const complete = trpc.playbooks.completeStep.useMutation({ onSuccess });
  const skip = trpc.playbooks.skipStep.useMutation({ onSuccess });
  const mutation = mode === 'complete' ? complete : skip;
  const { message, fieldErrors } = formErrors(mutation.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (mode === 'complete') {
      complete.mutate({ executionId: execution.id, stepId: step.id, note: formText(form, 'note'), outcome: formText(form, 'outcome') || null });
    } else {
      skip.mutate({ executionId: execution.id, stepId: step.id, reason: formText(form, 'reason') });
    }
  };

  return (
    <form
      className="form step-form"
      onSubmit={submit}
      noValidate
      aria-label={mode === 'complete' ? `Complete step ${step.position}` : `Skip step ${step.position}`}
    >
      <FormError message={message} />
      {mode === 'complete' ? (
        <>
          <TextAreaField
            label="Note"
            name="note"
            required
            maxLength={textLimits.stepNote}
            hint="What was done, with whom, and what came of it."
            errors={fieldErrors.note}
            autoFocus
          />
          <Field
            label="Outcome (optional)"
            name="outcome"
            maxLength={textLimits.stepOutcome}
            hint="e.g. Sponsor agreed, 5 interviews booked."
            errors={fieldErrors.outcome}
          />
        </>
      ) : (
        <TextAreaField label="Reason for skipping" name="reason" required maxLength={textLimits.reason} errors={fieldErrors.reason} autoFocus />
      )}
      <div className="form-actions">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : mode === 'complete' ? 'Mark as done' : 'Skip step'}
        </button>
      </div>
    </form>
  );
}

function StepItem({
  execution,
  step,
  open,
  onOpen,
  onClose,
}: {
  execution: Execution;
  step: Step;
  open: 'complete' | 'skip' | null;
  onOpen: (mode: 'complete' | 'skip') => void;
  onClose: () => void;
}) {
  const workable = execution.allowedActions.includes('resolveSteps') && step.status === 'pending';
  return (
    <li className={`step step-${step.status}`}>
      <span className="step-marker" aria-hidden="true">
        {step.status === 'done' ? '✓' : step.status === 'skipped' ? '–' : step.position}
      </span>
      <div className="step-body">
        <div className="step-header">
          <h3 className="step-title">
            <span className="visually-hidden">Step {step.position}: </span>
            {step.title}
          </h3>
          {step.status === 'done' && <Tag tone="success">Done</Tag>}
          {step.status === 'skipped' && <Tag>Skipped</Tag>}
        </div>
        <p className="step-guidance">{step.guidance}</p>
        {step.status !== 'pending' && (
          <div className="step-record">
            {step.note && <p>{step.status === 'skipped' ? `Reason: ${step.note}` : step.note}</p>}
            {step.outcome && (
              <p>
                <strong>Outcome:</strong> {step.outcome}
              </p>
            )}
            <p className="cell-muted">
              {step.completedBy?.name ?? 'Someone'}, {formatDateTime(step.completedAt)}
            </p>
          </div>
        )}
        {workable && open === null && (
          <div className="step-actions">
            <button type="button" className="button button-secondary button-small" onClick={() => onOpen('complete')}>
              Complete<span className="visually-hidden"> step {step.position}</span>
            </button>
            <button type="button" className="button button-secondary button-small" onClick={() => onOpen('skip')}>
              Skip<span className="visually-hidden"> step {step.position}</span>
            </button>
          </div>
        )}
        {workable && open !== null && <StepForm execution={execution} step={step} mode={open} onDone={onClose} />}
      </div>
    </li>
  );
}

function TransitionDialog({ execution, transition, onClose }: { execution: Execution; transition: 'cancel' | 'complete' | null; onClose: () => void }) {
  const update = useExecutionUpdate();
  const onSuccess = async (updated: Execution) => {
    onClose();
    await update(updated);
  };
  const cancel = trpc.playbooks.cancel.useMutation({ onSuccess });
  const complete = trpc.playbooks.complete.useMutation({ onSuccess });
  const mutation = transition === 'cancel' ? cancel : complete;
  const { message, fieldErrors } = formErrors(mutation.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = formText(new FormData(event.currentTarget), 'text');
    if (transition === 'cancel') cancel.mutate({ id: execution.id, reason: text });
    else complete.mutate({ id: execution.id, summary: text || null });
  };
  const close = () => {
    cancel.reset();
    complete.reset();
    onClose();
  };
  return (
    <Dialog open={transition !== null} title={transition === 'cancel' ? 'Cancel this playbook?' : 'Complete this playbook'} onClose={close}>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <TextAreaField
          label={transition === 'cancel' ? 'Why is it cancelled?' : 'Closing summary (optional)'}
          name="text"
          required={transition === 'cancel'}
          maxLength={transition === 'cancel' ? textLimits.reason : textLimits.summary}
          errors={transition === 'cancel' ? fieldErrors.reason : fieldErrors.summary}
        />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={close}>
            Back
          </button>
          <button type="submit" className={transition === 'cancel' ? 'button button-danger' : 'button button-primary'} disabled={mutation.isPending}>
            {transition === 'cancel' ? 'Cancel playbook' : 'Complete playbook'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ExecutionActions({ execution }: { execution: Execution }) {
  const update = useExecutionUpdate();
  const utils = trpc.useUtils();
  const [dialog, setDialog] = useState<'cancel' | 'complete' | null>(null);
  const [reportError, setReportError] = useState<string | null>(null);
  const pause = trpc.playbooks.pause.useMutation({ onSuccess: update });
  const resume = trpc.playbooks.resume.useMutation({ onSuccess: update });
  const error = pause.error ?? resume.error;

  const download = async () => {
    setReportError(null);
    try {
      const report = await utils.playbooks.report.fetch({ id: execution.id });
      saveFile(report.filename, report.markdown, 'text/markdown;charset=utf-8');
    } catch (failure) {
      setReportError(errorMessage(failure as Error & { data?: null }));
    }
  };
  /** The server says which actions would succeed now. */
  const can = (action: Execution['allowedActions'][number]) => execution.allowedActions.includes(action);

  return (
    <div className="execution-actions">
      {can('pause') && (
        <button type="button" className="button button-secondary" disabled={pause.isPending} onClick={() => pause.mutate({ id: execution.id })}>
          Pause
        </button>
      )}
      {can('resume') && (
        <button type="button" className="button button-secondary" disabled={resume.isPending} onClick={() => resume.mutate({ id: execution.id })}>
          Resume
        </button>
      )}
      {can('cancel') && (
        <button type="button" className="button button-secondary" onClick={() => setDialog('cancel')}>
          Cancel…
        </button>
      )}
      {can('complete') && (
        <button type="button" className="button button-primary" onClick={() => setDialog('complete')}>
          Complete…
        </button>
      )}
      <button type="button" className="button button-secondary" onClick={() => void download()}>
        Download report
      </button>
      {!can('complete') && can('resolveSteps') && execution.progress.pending > 0 && (
        <p className="execution-actions-hint">
          Complete or skip the {execution.progress.pending === 1 ? 'open step' : `${execution.progress.pending} open steps`} to finish this playbook.
        </p>
      )}
      {(error || reportError) && (
        <p className="form-error execution-actions-error" role="alert">
          {reportError ?? (error ? errorMessage(error) : '')}
        </p>
      )}
      <TransitionDialog execution={execution} transition={dialog} onClose={() => setDialog(null)} />
    </div>
  );
}

function Summary({ execution }: { execution: Execution }) {
  const { progress } = execution;
  const facts: [string, string][] = [
    ['Started', `${formatDate(execution.startedAt)} by ${execution.startedBy.name}`],
    [execution.endedAt ? 'Ended' : 'Due', formatDate(execution.endedAt ?? execution.dueAt)],
    ['Health at start', formatScore(execution.healthAtStart)],
    ['Health now', formatScore(execution.healthNow)],
  ];
  return (
    <Card title="Progress">
      <div className="execution-progress">
        <ProgressBar
          label="Steps resolved"
          percent={progress.percent}
          valueText={`${progress.done + progress.skipped} of ${progress.total} steps resolved`}
          size="large"
        />
        <p className="cell-muted">
          {progress.done} done, {progress.skipped} skipped, {progress.pending} open of {progress.total} steps
        </p>
      </div>
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {execution.closingNote && (
          <div className="facts-wide">
            <dt>{execution.status === 'cancelled' ? 'Why it was cancelled' : 'Closing summary'}</dt>
            <dd>{execution.closingNote}</dd>
          </div>
        )}
      </dl>
    </Card>
  );
}

const route = getRouteApi('/playbooks/$executionId');

export function ExecutionPage() {
  const id = route.useParams({ select: (params) => params.executionId });
  const execution = trpc.playbooks.byId.useQuery({ id });
  const [openStep, setOpenStep] = useState<{ id: string; mode: 'complete' | 'skip' } | null>(null);

  if (!execution.data) {
    const missing = execution.error?.data?.code === 'NOT_FOUND' || execution.error?.data?.code === 'BAD_REQUEST';
    return (
      <Page title={missing ? 'Playbook run not found' : 'Playbook run'}>
        {execution.error ? (
          <div className="card">
            {missing ? (
              <EmptyState
                title="There is no such playbook run"
                action={
                  <Link to="/playbooks" className="button button-secondary">
                    All playbooks
                  </Link>
                }
              />
            ) : (
              <ErrorState error={execution.error} onRetry={() => void execution.refetch()} />
            )}
          </div>
        ) : (
          <LoadingState label="Loading the playbook run…" />
        )}
      </Page>
    );
  }
  const data = execution.data;
  return (
    <Page
      title={`${data.playbook.name}: ${data.account.name}`}
      description={
        <span className="account-subtitle">
          <ExecutionStatusTag status={data.status} />
          <Link to="/accounts/$accountId" params={{ accountId: data.account.id }}>
            Open {data.account.name}
          </Link>
          <Link to="/playbooks">All runs</Link>
        </span>
      }
      actions={<ExecutionActions execution={data} />}
    >
      <Summary execution={data} />
      <Card title="Steps" description={data.status === 'paused' ? 'Paused: resume the playbook to work on its steps.' : undefined}>
        <ol className="steps">
          {data.steps.map((step) => (
            <StepItem
              key={step.id}
              execution={data}
              step={step}
              open={openStep?.id === step.id ? openStep.mode : null}
              onOpen={(mode) => setOpenStep({ id: step.id, mode })}
              onClose={() => setOpenStep(null)}
            />
          ))}
        </ol>
      </Card>
      <Card title="History">
        <ol className="audit">
          {data.audit.map((entry, i) => (
            <li key={`${entry.at}-${i}`}>
              <span className="cell-muted">{formatDateTime(entry.at)}</span> {entry.user?.name ?? 'Pulse'} {auditLabels[entry.action] ?? entry.action}
              {stepOfAudit(entry.details)}
            </li>
          ))}
        </ol>
      </Card>
    </Page>
  );
}
