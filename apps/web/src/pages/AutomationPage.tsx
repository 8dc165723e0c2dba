import { useState, type FormEvent } from 'react';
import { Field, FormError, SelectField } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { errorMessage, formErrors, type ErrorLike } from '../errors.js';
import { formatDateTime } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { trpc, type RouterOutputs } from '../trpc.js';
import { formText } from '../form.js';

type Webhook = RouterOutputs['webhooks']['list']['items'][number];
const EVENTS = ['account.tier_changed', 'recommendation.fired', 'task.overdue', 'upload.rejected'] as const;

/** A secret shown once, with the sentence that says so. */
function Secret({ label, value }: { label: string; value: string | null }) {
  if (!value) return null;
  return (
    <p className="automation-secret" role="status">
      {label} Copy it now: Pulse keeps only a hash and will not show it again. <code>{value}</code>
    </p>
  );
}

function Tokens() {
  const utils = trpc.useUtils();
  const list = useInfiniteList(trpc.tokens.list, { limit: 50 });
  const [secret, setSecret] = useState<string | null>(null);
  const [failure, setFailure] = useState<ErrorLike | null>(null);
  const create = trpc.tokens.create.useMutation({
    onSuccess: async (created) => {
      setSecret(created.token);
      await utils.tokens.list.invalidate();
    },
  });
  const revoke = trpc.tokens.revoke.useMutation({ onSuccess: () => utils.tokens.list.invalidate(), onError: setFailure });
  const { message, fieldErrors } = formErrors(create.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expires = formText(form, 'expiresAt');
    create.mutate({ name: formText(form, 'name'), scope: formText(form, 'scope') as 'read' | 'read-write', expiresAt: expires ? new Date(expires) : null });
  };
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="cell-muted">For data feeds and scripts: send it as Authorization: Bearer. A read token can only read.</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <Field label="Name" name="name" required errors={fieldErrors.name} />
        <SelectField label="Scope" name="scope" defaultValue="read" errors={fieldErrors.scope}>
          <option value="read">Read</option>
          <option value="read-write">Read and write</option>
        </SelectField>
        <Field label="Expires (optional)" name="expiresAt" type="date" errors={fieldErrors.expiresAt} />
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <Secret label="Your new token is below." value={secret} />
      {failure && (
        <p className="form-error" role="alert">
          {errorMessage(failure)}
        </p>
      )}
      <InfiniteListView list={list} loadingLabel="Loading tokens…" errorTitle="Tokens could not be loaded" empty={<EmptyState title="No tokens yet" />}>
        {(items) => (
          <ul className="automation-list">
            {items.map((t) => (
              <li key={t.id} className="cell-wrap">
                <strong>{t.name}</strong> <code>{t.hint}</code> <Tag tone={t.status === 'active' ? 'success' : undefined}>{t.status}</Tag> {t.scope}
                {', last used '}
                {t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}
                {t.status === 'active' && (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ id: t.id })}
                  >
                    Revoke<span className="visually-hidden"> {t.name}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </InfiniteListView>
    </section>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const utils = trpc.useUtils();
  const list = useInfiniteList(trpc.webhooks.deliveries, { webhookId: webhook.id, limit: 20 });
  const resend = trpc.webhooks.resend.useMutation({ onSuccess: () => utils.webhooks.deliveries.invalidate() });
  return (
    <InfiniteListView
      list={list}
      loadingLabel="Loading deliveries…"
      errorTitle="Deliveries could not be loaded"
      empty={<EmptyState title="Nothing delivered yet" />}
    >
      {(items) => (
        <ul className="automation-list">
          {resend.error && (
            <li className="form-error" role="alert">
              {errorMessage(resend.error)}
            </li>
          )}
          {items.map((d) => (
            <li key={d.id} className="cell-wrap">
              {formatDateTime(d.createdAt)} {d.event} <Tag tone={d.status === 'delivered' ? 'success' : undefined}>{d.status}</Tag>
              {` ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`}
              {d.responseCode !== null && `, HTTP ${d.responseCode}`}
              {d.lastError && <span className="cell-sub">{d.lastError}</span>}
              <button
                type="button"
                className="button button-secondary button-small"
                disabled={resend.isPending}
                onClick={() => resend.mutate({ deliveryId: d.id })}
              >
                Resend
              </button>
            </li>
          ))}
        </ul>
      )}
    </InfiniteListView>
  );
}

function Webhooks() {
  const utils = trpc.useUtils();
  const list = useInfiniteList(trpc.webhooks.list, { limit: 50 });
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const create = trpc.webhooks.create.useMutation({
    onSuccess: async (created) => {
      setSecret(created.secret);
      await utils.webhooks.list.invalidate();
    },
  });
  const remove = trpc.webhooks.delete.useMutation({ onSuccess: () => utils.webhooks.list.invalidate() });
  const { message, fieldErrors } = formErrors(create.error ?? remove.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      url: formText(form, 'url'),
      events: EVENTS.filter((e) => form.get(e) === 'on'),
      format: formText(form, 'format') as 'json' | 'slack',
    });
  };
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="cell-muted">Pulse posts signed JSON (or a Slack message) to these addresses when the chosen events happen.</p>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <Field label="URL" name="url" type="url" required errors={fieldErrors.url} />
        <fieldset>
          <legend>Events</legend>
          {EVENTS.map((e) => (
            <label key={e} className="cell-wrap">
              <input type="checkbox" name={e} defaultChecked /> {e}
            </label>
          ))}
          {fieldErrors.events && <p className="form-error">{fieldErrors.events.join(' ')}</p>}
        </fieldset>
        <SelectField label="Format" name="format" defaultValue="json">
          <option value="json">JSON</option>
          <option value="slack">Slack</option>
        </SelectField>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
      <Secret label="The signing secret of your new webhook is below." value={secret} />
      <InfiniteListView list={list} loadingLabel="Loading webhooks…" errorTitle="Webhooks could not be loaded" empty={<EmptyState title="No webhooks yet" />}>
        {(items) => (
          <ul className="automation-list">
            {items.map((w) => (
              <li key={w.id} className="cell-wrap">
                <strong>{w.url}</strong> ({w.format}) {w.events.join(', ')}
                <button type="button" className="button button-secondary button-small" onClick={() => setOpen(open === w.id ? null : w.id)}>
                  {open === w.id ? 'Hide deliveries' : 'Deliveries'}
                </button>
                <button type="button" className="button button-secondary button-small" disabled={remove.isPending} onClick={() => remove.mutate({ id: w.id })}>
                  Delete<span className="visually-hidden"> {w.url}</span>
                </button>
                {open === w.id && <Deliveries webhook={w} />}
              </li>
            ))}
          </ul>
        )}
      </InfiniteListView>
    </section>
  );
}

function Jobs() {
  const jobs = trpc.jobs.list.useQuery();
  return (
    <section className="card" aria-labelledby="jobs-title">
      <h2 id="jobs-title">Scheduled jobs</h2>
      {jobs.error && (
        <p className="form-error" role="alert">
          {errorMessage(jobs.error)}
        </p>
      )}
      <ul className="automation-list">
        {(jobs.data?.items ?? []).map((job) => {
          const last = job.runs[0];
          return (
            <li key={job.name} className="cell-wrap">
              <strong>{job.name}</strong> <code>{job.schedule}</code>
              <span className="cell-sub">{job.description}</span>
              <span className="cell-sub">
                {last
                  ? `Last run ${formatDateTime(last.startedAt)}: ${last.status}${last.durationMs === null ? '' : ` in ${last.durationMs} ms`}${last.error ? `. ${last.error}` : ''}`
                  : 'Not run yet.'}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function AutomationPage() {
  return (
    <Page title="Automation" description="API tokens for data feeds, webhooks that tell other systems what changed, and the jobs Pulse runs on a schedule.">
      <Tokens />
      <Webhooks />
      <Jobs />
    </Page>
  );
}
