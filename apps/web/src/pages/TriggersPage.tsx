import { useState, type FormEvent } from 'react';
import { tiers } from '@pulse/api/vocabulary';
import { Dialog } from '../components/Dialog.js';
import { Field, FormError, SelectField } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { errorMessage, formErrors, type ErrorLike } from '../errors.js';
import { formatCount, formatDateTime } from '../format.js';
import { tierLabels } from '../health.js';
import { useDebouncedValue } from '../hooks/useDebouncedValue.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc.js';

type Trigger = RouterOutputs['playbooks']['triggers']['items'][number];
type Params = NonNullable<RouterInputs['playbooks']['updateTrigger']['params']>;

/** Number input text as a number; empty or unreadable text becomes NaN, which the API refuses with a sentence. */
const toNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.replace(/,/g, '')));

/** The inputs for the thresholds of one trigger kind. */
function ParamFields({
  kind,
  params,
  onChange,
  errors,
}: {
  kind: Trigger['kind'];
  params: Record<string, unknown>;
  onChange: (next: Record<string, unknown>) => void;
  errors: Record<string, string[]>;
}) {
  const set = (key: string, value: unknown) => onChange({ ...params, [key]: value });
  const text = (key: string, fallback = '') => (typeof params[key] === 'string' || typeof params[key] === 'number' ? String(params[key]) : fallback);
  const numberField = (key: string, label: string) => (
    <Field
      label={label}
      name={key}
      inputMode="decimal"
      defaultValue={text(key)}
      onChange={(event) => set(key, toNumber(event.target.value))}
      errors={errors[`params.${key}`]}
    />
  );
  const comparison = (
    <SelectField label="Fires when" name="comparison" value={text('comparison', 'below')} onChange={(event) => set('comparison', event.target.value)}>
      <option value="below">below</option>
      <option value="above">above</option>
    </SelectField>
  );
  switch (kind) {
    case 'health_tier': {
      const chosen = (params.tiers as string[] | undefined) ?? [];
      return (
        <fieldset>
          <legend>Fires when the health tier is</legend>
          {tiers.map((tier) => (
            <label key={tier} className="checkbox">
              <input
                type="checkbox"
                checked={chosen.includes(tier)}
                onChange={(event) => set('tiers', event.target.checked ? [...chosen, tier] : chosen.filter((t) => t !== tier))}
              />
              <span>{tierLabels[tier]}</span>
            </label>
          ))}
          {errors['params.tiers'] && <p className="form-error">{errors['params.tiers'].join(' ')}</p>}
        </fieldset>
      );
    }
    case 'health_score':
      return (
        <>
          {comparison}
          {numberField('value', 'Health score (0–100)')}
        </>
      );
    case 'health_drop':
      return numberField('points', 'Drop of at least (points)');
    case 'kpi_threshold':
      return (
        <>
          <Field label="KPI" name="kpi" defaultValue={text('kpi')} onChange={(event) => set('kpi', event.target.value)} errors={errors['params.kpi']} />
          {comparison}
          {numberField('value', "Value (in the KPI's unit)")}
        </>
      );
    case 'renewal_within':
      return numberField('days', 'Renews within (days)');
  }
}

/** How many accounts the edited rule would fire for now, or what is wrong with its thresholds. */
function Preview({
  preview,
}: {
  preview: { data?: { description: string; accounts: number; evaluatedAccounts: number } | undefined; error: ErrorLike | null };
}) {
  if (preview.error) {
    return (
      <p className="form-error" role="alert">
        {errorMessage(preview.error)}
      </p>
    );
  }
  return (
    <p className="notice" role="status" aria-live="polite">
      {preview.data
        ? `${preview.data.description}: would fire for ${formatCount(preview.data.accounts)} of ${formatCount(preview.data.evaluatedAccounts)} accounts now.`
        : 'Counting the accounts it would fire for…'}
    </p>
  );
}

function EditTrigger({ trigger, onClose }: { trigger: Trigger; onClose: () => void }) {
  const utils = trpc.useUtils();
  const [params, setParams] = useState<Record<string, unknown>>(trigger.params);
  const settled = useDebouncedValue(params);
  const preview = trpc.playbooks.previewTrigger.useQuery({ id: trigger.id, params: settled }, { retry: false });
  const update = trpc.playbooks.updateTrigger.useMutation({
    onSuccess: async () => {
      await utils.playbooks.triggers.invalidate();
      onClose();
    },
  });
  const { message } = formErrors(update.error);
  const { fieldErrors } = formErrors(update.error ?? preview.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({ id: trigger.id, enabled: form.get('enabled') === 'on', createTask: form.get('createTask') === 'on', params: params as Params });
  };
  return (
    <Dialog open title={`Trigger of ${trigger.playbookName}`} onClose={onClose} description={trigger.description}>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <label className="checkbox">
          <input type="checkbox" name="enabled" defaultChecked={trigger.enabled} />
          <span>Enabled</span>
        </label>
        <label className="checkbox">
          <input type="checkbox" name="createTask" defaultChecked={trigger.createTask} />
          <span>Create a task for the account owner when it fires</span>
        </label>
        <ParamFields kind={trigger.kind} params={params} onChange={setParams} errors={fieldErrors} />
        <Preview preview={preview} />
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save trigger'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Admins edit the playbook triggers: on or off, thresholds, and whether firing creates a task. */
export function TriggersPage() {
  const list = useInfiniteList(trpc.playbooks.triggers, { limit: 50 });
  const [editing, setEditing] = useState<Trigger | null>(null);
  return (
    <Page title="Triggers" description="The rules that recommend playbooks. Edit one to see how many accounts it would fire for now before saving.">
      <div className="card card-flush">
        <InfiniteListView list={list} loadingLabel="Loading triggers…" errorTitle="Triggers could not be loaded" empty={<EmptyState title="No triggers" />}>
          {(items) => (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Playbook triggers</caption>
                <thead>
                  <tr>
                    <th scope="col">Playbook</th>
                    <th scope="col">Rule</th>
                    <th scope="col">State</th>
                    <th scope="col">Fires for</th>
                    <th scope="col">Last fired</th>
                    <th scope="col" aria-label="Edit" />
                  </tr>
                </thead>
                <tbody>
                  {items.map((t) => (
                    <tr key={t.id}>
                      <td>{t.playbookName}</td>
                      <td className="cell-wrap">{t.description}</td>
                      <td>
                        <Tag tone={t.enabled ? 'success' : undefined}>{t.enabled ? 'on' : 'off'}</Tag> {t.createTask && <Tag>creates a task</Tag>}
                      </td>
                      <td>{formatCount(t.currentAccounts)} accounts</td>
                      <td>{t.lastFiredAt ? formatDateTime(t.lastFiredAt) : 'never'}</td>
                      <td>
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          onClick={() => setEditing(t)}
                          aria-label={`Edit the trigger ${t.description}`}
                        >
                          Edit
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </InfiniteListView>
      </div>
      {editing && <EditTrigger key={editing.id} trigger={editing} onClose={() => setEditing(null)} />}
    </Page>
  );
}
