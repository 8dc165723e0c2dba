import { useState } from 'react';
import { BandBar } from '../components/BandBar.js';
import { Dialog } from '../components/Dialog.js';
import { Page } from '../components/Page.js';
import { RecomputeNotice, type RecomputeSaved } from '../components/RecomputeNotice.js';
import { EmptyState, QueryView } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { errorMessage, formErrors } from '../errors.js';
import { formatNumber } from '../format.js';
import { useSignedInSession } from '../session.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type Range = RouterOutputs['ranges']['list'][number];

const thresholdFields = ['scaleMin', 'riskThreshold', 'healthyThreshold', 'scaleMax'] as const;
type ThresholdField = (typeof thresholdFields)[number];

const fieldLabels: Record<ThresholdField, string> = {
  scaleMin: 'Scale min',
  riskThreshold: 'Risk threshold',
  healthyThreshold: 'Healthy threshold',
  scaleMax: 'Scale max',
};

/** Column headings; the full names label the inputs and the messages. */
const columnLabels: Record<ThresholdField, string> = { scaleMin: 'Min', riskThreshold: 'Risk', healthyThreshold: 'Healthy', scaleMax: 'Max' };

function groupByCategory(ranges: Range[]): { category: string; ranges: Range[] }[] {
  const groups = new Map<string, Range[]>();
  for (const range of ranges) groups.set(range.category, [...(groups.get(range.category) ?? []), range]);
  return [...groups.entries()].map(([category, items]) => ({ category, ranges: items }));
}

/** The typed values as numbers; fields that are not numbers get a message instead. */
export function parseThresholds(values: Record<ThresholdField, string>): { numbers: Record<ThresholdField, number> | null; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const numbers = {} as Record<ThresholdField, number>;
  for (const field of thresholdFields) {
    const text = values[field].trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) errors[field] = [`Enter a number as the ${fieldLabels[field].toLowerCase()}.`];
    else numbers[field] = value;
  }
  return { numbers: Object.keys(errors).length ? null : numbers, errors };
}

function direction(range: Pick<Range, 'higherIsBetter'>): string {
  return range.higherIsBetter ? 'Higher is better' : 'Lower is better';
}

function SourceTag({ range }: { range: Range }) {
  return <Tag tone={range.source === 'tenant' ? 'primary' : 'neutral'}>{range.source === 'tenant' ? 'Your range' : 'Default'}</Tag>;
}

function RangeEditor({ range, onDone, onSaving }: { range: Range; onDone: () => void; onSaving: (saving: boolean, saved: RecomputeSaved | null) => void }) {
  const utils = trpc.useUtils();
  const [higherIsBetter, setHigherIsBetter] = useState(range.higherIsBetter);
  const [values, setValues] = useState<Record<ThresholdField, string>>({
    scaleMin: String(range.scaleMin),
    riskThreshold: String(range.riskThreshold),
    healthyThreshold: String(range.healthyThreshold),
    scaleMax: String(range.scaleMax),
  });
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const update = trpc.ranges.update.useMutation({
    onMutate: () => onSaving(true, null),
    onError: () => onSaving(false, null),
    onSuccess: async (result) => {
      onSaving(false, result);
      onDone();
      await utils.invalidate();
    },
  });
  const server = formErrors(update.error);
  const fieldErrors = { ...server.fieldErrors, ...localErrors };
  const fieldMessages = Object.values(fieldErrors).flat();
  const messages = [...new Set(fieldMessages.length > 0 ? fieldMessages : server.message ? [server.message] : [])];
  const errorId = `range-errors-${range.key}`;

  const submit = (event: { preventDefault: () => void }) => {
    event.preventDefault();
    const parsed = parseThresholds(values);
    setLocalErrors(parsed.errors);
    if (parsed.numbers) update.mutate({ kpi: range.kpiName, higherIsBetter, ...parsed.numbers });
  };
  const previewRange = { ...range, higherIsBetter, ...parseThresholds(values).numbers };

  return (
    <>
      <tr className="range-editing">
        <th scope="row" className="cell-wrap range-kpi">
          {range.kpiName}
          <span className="cell-sub">{range.unit}</span>
        </th>
        <td>
          <select
            className="input select input-compact"
            aria-label={`Direction of ${range.kpiName}`}
            value={higherIsBetter ? 'higher' : 'lower'}
            onChange={(event) => setHigherIsBetter(event.target.value === 'higher')}
          >
            <option value="higher">Higher is better</option>
            <option value="lower">Lower is better</option>
          </select>
        </td>
        {thresholdFields.map((field) => (
          <td key={field} className="numeric">
            <input
              className="input input-compact input-number"
              inputMode="decimal"
              aria-label={`${fieldLabels[field]} of ${range.kpiName}`}
              aria-invalid={fieldErrors[field] ? true : undefined}
              aria-describedby={messages.length ? errorId : undefined}
              value={values[field]}
              onChange={(event) => setValues((current) => ({ ...current, [field]: event.target.value }))}
              onKeyDown={(event) => {
                if (event.key === 'Enter') submit(event);
                if (event.key === 'Escape') onDone();
              }}
            />
          </td>
        ))}
        <td>
          <BandBar range={previewRange} />
        </td>
        <td className="cell-actions">
          <button type="button" className="button button-primary button-small" onClick={submit} disabled={update.isPending}>
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button button-secondary button-small" onClick={onDone}>
            Cancel
          </button>
        </td>
      </tr>
      {messages.length > 0 && (
        <tr className="range-error-row">
          <td colSpan={8}>
            <ul id={errorId} className="field-errors" role="alert">
              {messages.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

function ResetOne({ range }: { range: Range }) {
  const utils = trpc.useUtils();
  const reset = trpc.ranges.reset.useMutation({ onSuccess: () => utils.invalidate() });
  return (
    <>
      <button type="button" className="button button-secondary button-small" disabled={reset.isPending} onClick={() => reset.mutate({ kpi: range.kpiName })}>
        {reset.isPending ? 'Resetting…' : 'Reset'}
        <span className="visually-hidden"> {range.kpiName} to the default</span>
      </button>
      {reset.error && (
        <span className="field-errors" role="alert">
          {errorMessage(reset.error)}
        </span>
      )}
    </>
  );
}

function RangeRow({ range, canEdit, onEdit }: { range: Range; canEdit: boolean; onEdit: () => void }) {
  return (
    <tr>
      <th scope="row" className="cell-wrap range-kpi">
        {range.kpiName}
        <span className="cell-sub">{range.unit}</span>
      </th>
      <td>{direction(range)}</td>
      {thresholdFields.map((field) => (
        <td key={field} className="numeric">
          {formatNumber(range[field])}
        </td>
      ))}
      <td>
        <span className="range-band">
          <BandBar range={range} />
          <SourceTag range={range} />
        </span>
      </td>
      {canEdit && (
        <td className="cell-actions">
          <button type="button" className="button button-secondary button-small" onClick={onEdit}>
            Edit<span className="visually-hidden"> {range.kpiName}</span>
          </button>
          {range.source === 'tenant' && <ResetOne range={range} />}
        </td>
      )}
    </tr>
  );
}

function ResetAll({ overrides }: { overrides: number }) {
  const [confirming, setConfirming] = useState(false);
  const utils = trpc.useUtils();
  const reset = trpc.ranges.reset.useMutation({
    onSuccess: async () => {
      setConfirming(false);
      await utils.invalidate();
    },
  });
  return (
    <>
      <button type="button" className="button button-secondary" disabled={overrides === 0} onClick={() => setConfirming(true)}>
        Reset all to defaults
      </button>
      <Dialog open={confirming} title="Reset every range?" onClose={() => setConfirming(false)}>
        <p>
          Your {overrides} changed {overrides === 1 ? 'range goes' : 'ranges go'} back to the defaults, and their KPIs’ stored readings are scored again.
        </p>
        {reset.error && (
          <p className="form-error" role="alert">
            {errorMessage(reset.error)}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
            Keep my ranges
          </button>
          <button type="button" className="button button-danger" disabled={reset.isPending} onClick={() => reset.mutate({ all: true })}>
            {reset.isPending ? 'Resetting…' : 'Reset all'}
          </button>
        </div>
      </Dialog>
    </>
  );
}

export function RangesPage() {
  const session = useSignedInSession();
  const ranges = trpc.ranges.list.useQuery();
  const [editing, setEditing] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<RecomputeSaved | null>(null);
  const onSaving = (pending: boolean, result: RecomputeSaved | null) => {
    setSaving(pending);
    setSaved(result);
  };
  const isAdmin = session.user.role === 'admin';
  const overrides = ranges.data?.filter((range) => range.source === 'tenant').length ?? 0;
  return (
    <Page
      title="Reference ranges"
      description={
        isAdmin
          ? 'The bands that turn each KPI value into a score. Changing one scores that KPI’s stored readings again.'
          : 'The bands that turn each KPI value into a score. Only admins can change them.'
      }
      actions={isAdmin && <ResetAll overrides={overrides} />}
    >
      <RecomputeNotice pending={saving} saved={saved} />
      <QueryView query={ranges} loadingLabel="Loading ranges…" errorTitle="Ranges could not be loaded">
        {(items) =>
          items.length === 0 ? (
            <div className="card">
              <EmptyState title="No KPI ranges" />
            </div>
          ) : (
            groupByCategory(items).map((group) => (
              <section key={group.category} className="card card-flush" aria-label={group.category}>
                <h2 className="card-title card-flush-title">{group.category}</h2>
                <div className="table-wrap">
                  <table className="table ranges-table">
                    <caption className="visually-hidden">Reference ranges of {group.category}</caption>
                    <thead>
                      <tr>
                        <th scope="col">KPI</th>
                        <th scope="col">Direction</th>
                        {thresholdFields.map((field) => (
                          <th key={field} scope="col" className="numeric">
                            <abbr title={fieldLabels[field]}>{columnLabels[field]}</abbr>
                          </th>
                        ))}
                        <th scope="col">Bands</th>
                        {isAdmin && (
                          <th scope="col">
                            <span className="visually-hidden">Actions</span>
                          </th>
                        )}
                      </tr>
                    </thead>
                    <tbody>
                      {group.ranges.map((range) =>
                        editing === range.key ? (
                          <RangeEditor key={range.key} range={range} onDone={() => setEditing(null)} onSaving={onSaving} />
                        ) : (
                          <RangeRow key={range.key} range={range} canEdit={isAdmin} onEdit={() => setEditing(range.key)} />
                        ),
                      )}
                    </tbody>
                  </table>
                </div>
              </section>
            ))
          )
        }
      </QueryView>
    </Page>
  );
}
