import { useState, type FormEvent } from 'react';
import { Dialog } from '../components/Dialog.js';
import { Field, FormError, FormErrors } from '../components/Field.js';
import { Page } from '../components/Page.js';
import { RecomputeNotice, type RecomputeSaved } from '../components/RecomputeNotice.js';
import { EmptyState, QueryView } from '../components/states.js';
import { CORRECT_FIELDS, errorMessage, formErrors } from '../errors.js';
import { formatCount, formatMoney } from '../format.js';
import { Link } from '@tanstack/react-router';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc.js';
import '../segments.css';

type Segment = RouterOutputs['segments']['list']['items'][number];
type SegmentRule = Segment['rule'];
type FieldValues = RouterOutputs['segments']['fieldValues'];
type Settings = Pick<RouterOutputs['ranges']['settings'], 'categoryWeights' | 'tiers'>;
type SegmentInput = Omit<RouterInputs['segments']['create'], 'position'>;

/** The text fields of an account a rule can name, in the order the editor and the summaries show them. */
export const ruleFields = [
  { key: 'tiers', label: 'Tier' },
  { key: 'industries', label: 'Industry' },
  { key: 'regions', label: 'Region' },
  { key: 'lifecycleStages', label: 'Lifecycle stage' },
] as const;
type RuleField = (typeof ruleFields)[number]['key'];

/** A rule as a phrase: "Tier Enterprise or Mid-Market, region EMEA, revenue $1,000,000 or more". */
export function describeRule(rule: SegmentRule): string {
  const parts: string[] = [];
  for (const { key, label } of ruleFields) {
    const values = rule[key] ?? [];
    if (values.length > 0) parts.push(`${parts.length === 0 ? label : label.toLowerCase()} ${values.join(' or ')}`);
  }
  const min = rule.revenue?.min ?? null;
  const max = rule.revenue?.max ?? null;
  const revenue =
    min !== null && max !== null
      ? `${formatMoney(min)} to under ${formatMoney(max)}`
      : min !== null
        ? `${formatMoney(min)} or more`
        : max !== null
          ? `under ${formatMoney(max)}`
          : null;
  if (revenue) parts.push(`${parts.length === 0 ? 'Revenue' : 'revenue'} ${revenue}`);
  return parts.length === 0 ? 'Every account' : parts.join(', ');
}

export function describeWeights(weights: Segment['categoryWeights']): string {
  if (!weights) return 'Organisation’s';
  return Object.entries(weights)
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .map(([category, weight]) => `${category} ${weight}`)
    .join(', ');
}

export function describeTiers(tiers: Segment['tiers']): string {
  return tiers ? `Healthy from ${tiers.healthy}, at risk from ${tiers.atRisk}` : 'Organisation’s';
}

/** What the editor holds: texts as typed; an empty weight or threshold means the organisation's. */
export interface SegmentDraft {
  name: string;
  values: Record<RuleField, string[]>;
  revenueMin: string;
  revenueMax: string;
  weights: Record<string, string>;
  healthy: string;
  atRisk: string;
}

const text = (value: number | null | undefined): string => (value === null || value === undefined ? '' : String(value));

export function draftOf(segment: Segment | null, categories: string[]): SegmentDraft {
  const weights = segment?.categoryWeights ?? null;
  return {
    name: segment?.name ?? '',
    values: {
      tiers: segment?.rule.tiers ?? [],
      industries: segment?.rule.industries ?? [],
      regions: segment?.rule.regions ?? [],
      lifecycleStages: segment?.rule.lifecycleStages ?? [],
    },
    revenueMin: text(segment?.rule.revenue?.min),
    revenueMax: text(segment?.rule.revenue?.max),
    weights: Object.fromEntries([...new Set([...categories, ...Object.keys(weights ?? {})])].map((category) => [category, text(weights?.[category])])),
    healthy: text(segment?.tiers?.healthy),
    atRisk: text(segment?.tiers?.atRisk),
  };
}

/**
 * The draft as the API's input, or the fields that are not numbers. Weights: all empty is the
 * organisation's weights (null); otherwise every category gets one, an empty one the
 * organisation's. Thresholds likewise.
 */
export function parseDraft(draft: SegmentDraft, settings: Settings): { input: SegmentInput | null; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const number = (field: string, value: string): number | null => {
    const trimmed = value.trim().replace(/,/g, '');
    if (trimmed === '') return null;
    const parsed = Number(trimmed);
    if (Number.isFinite(parsed)) return parsed;
    errors[field] = ['Enter a number.'];
    return null;
  };

  const rule: SegmentRule = {};
  for (const { key } of ruleFields) if (draft.values[key].length > 0) rule[key] = draft.values[key];
  const min = number('rule.revenue.min', draft.revenueMin);
  const max = number('rule.revenue.max', draft.revenueMax);
  if (min !== null || max !== null) rule.revenue = { min, max };

  const weightEntries = Object.entries(draft.weights).map(([category, value]) => [category, number(`categoryWeights.${category}`, value)] as const);
  const categoryWeights = weightEntries.every(([, weight]) => weight === null)
    ? null
    : Object.fromEntries(weightEntries.map(([category, weight]) => [category, weight ?? settings.categoryWeights[category] ?? 0]));

  const healthy = number('tiers.healthy', draft.healthy);
  const atRisk = number('tiers.atRisk', draft.atRisk);
  const tiers = healthy === null && atRisk === null ? null : { healthy: healthy ?? settings.tiers.healthy, atRisk: atRisk ?? settings.tiers.atRisk };

  if (Object.keys(errors).length > 0) return { input: null, errors };
  return { input: { name: draft.name.trim(), rule, categoryWeights, tiers }, errors };
}

/** Checkboxes of one account field's values: those in the organisation's accounts, plus any the rule already names. */
function ValueChoices({ label, options, chosen, onChange }: { label: string; options: string[]; chosen: string[]; onChange: (next: string[]) => void }) {
  const all = [...options, ...chosen.filter((value) => !options.some((option) => option.toLowerCase() === value.toLowerCase()))];
  return (
    <fieldset className="segment-choices">
      <legend>{label}</legend>
      {all.length === 0 ? (
        <p className="cell-muted">No account has one yet.</p>
      ) : (
        all.map((value) => (
          <label key={value} className="checkbox">
            <input
              type="checkbox"
              checked={chosen.includes(value)}
              onChange={(event) => onChange(event.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value))}
            />
            <span>{value}</span>
          </label>
        ))
      )}
    </fieldset>
  );
}

/** The fields and sections the editor shows messages in; server messages about other paths are listed above the form. */
function renderedFields(draft: SegmentDraft): Set<string> {
  return new Set([
    'name',
    'rule.revenue',
    'categoryWeights',
    'tiers',
    'rule.revenue.min',
    'rule.revenue.max',
    'tiers.healthy',
    'tiers.atRisk',
    ...Object.keys(draft.weights).map((category) => `categoryWeights.${category}`),
  ]);
}

function SegmentEditor({
  segment,
  settings,
  onClose,
  onSaving,
}: {
  segment: Segment | null;
  settings: Settings;
  onClose: () => void;
  onSaving: (pending: boolean, saved: RecomputeSaved | null) => void;
}) {
  const utils = trpc.useUtils();
  const fieldValues = trpc.segments.fieldValues.useQuery();
  const choices: FieldValues = fieldValues.data ?? { tiers: [], industries: [], regions: [], lifecycleStages: [] };
  const [draft, setDraft] = useState(() => draftOf(segment, Object.keys(settings.categoryWeights)));
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const handlers = {
    onMutate: () => onSaving(true, null),
    onError: () => onSaving(false, null),
    onSuccess: async (result: { recompute: RecomputeSaved }) => {
      onSaving(false, result.recompute);
      onClose();
      await utils.invalidate();
    },
  };
  const create = trpc.segments.create.useMutation(handlers);
  const update = trpc.segments.update.useMutation(handlers);
  const save = segment ? update : create;

  const server = formErrors(save.error);
  const fieldErrors = { ...server.fieldErrors, ...localErrors };
  const shown = renderedFields(draft);
  const general = [...new Set(Object.entries(fieldErrors).flatMap(([field, messages]) => (shown.has(field) ? [] : messages)))];
  const message = Object.keys(localErrors).length > 0 ? CORRECT_FIELDS : general.length > 0 ? null : server.message;
  const set = <K extends keyof SegmentDraft>(key: K, value: SegmentDraft[K]) => setDraft((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseDraft(draft, settings);
    setLocalErrors(parsed.errors);
    if (!parsed.input) return;
    if (segment) update.mutate({ id: segment.id, ...parsed.input });
    else create.mutate(parsed.input);
  };

  return (
    <Dialog open wide title={segment ? `Segment ${segment.name}` : 'New segment'} onClose={onClose}>
      <form className="form segment-form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <FormErrors messages={general} alert />
        <Field label="Name" name="name" value={draft.name} onChange={(event) => set('name', event.target.value)} errors={fieldErrors.name} maxLength={100} />
        <fieldset className="segment-section">
          <legend>Accounts in this segment</legend>
          <p className="field-hint">
            Tick values to narrow the segment: an account matches one of the ticked values of each field. Nothing ticked matches every account.
          </p>
          <div className="segment-choice-grid">
            {ruleFields.map(({ key, label }) => (
              <ValueChoices
                key={key}
                label={label}
                options={choices[key]}
                chosen={draft.values[key]}
                onChange={(next) => set('values', { ...draft.values, [key]: next })}
              />
            ))}
          </div>
          <div className="segment-pair">
            <Field
              label="Annual revenue from"
              name="revenueMin"
              inputMode="decimal"
              value={draft.revenueMin}
              onChange={(event) => set('revenueMin', event.target.value)}
              errors={fieldErrors['rule.revenue.min']}
              hint="Included. Empty: no lower bound."
            />
            <Field
              label="Annual revenue below"
              name="revenueMax"
              inputMode="decimal"
              value={draft.revenueMax}
              onChange={(event) => set('revenueMax', event.target.value)}
              errors={fieldErrors['rule.revenue.max']}
              hint="Not included. Empty: no upper bound."
            />
          </div>
          <FormErrors messages={fieldErrors['rule.revenue']} />
        </fieldset>
        <fieldset className="segment-section">
          <legend>Category weights</legend>
          <p className="field-hint">Leave a weight empty to use the organisation’s (shown in grey); leave all empty to use the organisation’s weights.</p>
          <FormErrors messages={fieldErrors.categoryWeights} />
          <div className="segment-weights">
            {Object.keys(draft.weights).map((category) => (
              <Field
                key={category}
                label={category}
                name={`weight-${category}`}
                inputMode="decimal"
                placeholder={text(settings.categoryWeights[category])}
                value={draft.weights[category]}
                onChange={(event) => set('weights', { ...draft.weights, [category]: event.target.value })}
                errors={fieldErrors[`categoryWeights.${category}`]}
              />
            ))}
          </div>
        </fieldset>
        <fieldset className="segment-section">
          <legend>Tier thresholds</legend>
          <p className="field-hint">The lowest overall score of each tier, from 0 to 100. Empty: the organisation’s.</p>
          <div className="segment-pair">
            <Field
              label="Healthy from"
              name="healthy"
              inputMode="decimal"
              placeholder={text(settings.tiers.healthy)}
              value={draft.healthy}
              onChange={(event) => set('healthy', event.target.value)}
              errors={fieldErrors['tiers.healthy']}
            />
            <Field
              label="At risk from"
              name="atRisk"
              inputMode="decimal"
              placeholder={text(settings.tiers.atRisk)}
              value={draft.atRisk}
              onChange={(event) => set('atRisk', event.target.value)}
              errors={fieldErrors['tiers.atRisk']}
            />
          </div>
          <FormErrors messages={fieldErrors.tiers} />
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving and re-scoring…' : 'Save segment'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteSegment({
  segment,
  onClose,
  onSaving,
}: {
  segment: Segment;
  onClose: () => void;
  onSaving: (pending: boolean, saved: RecomputeSaved | null) => void;
}) {
  const utils = trpc.useUtils();
  const remove = trpc.segments.delete.useMutation({
    onMutate: () => onSaving(true, null),
    onError: () => onSaving(false, null),
    onSuccess: async (result) => {
      onSaving(false, result.recompute);
      onClose();
      await utils.invalidate();
    },
  });
  const accounts = `${formatCount(segment.accountCount)} ${segment.accountCount === 1 ? 'account' : 'accounts'}`;
  return (
    <Dialog open title={`Delete the segment ${segment.name}?`} onClose={onClose}>
      <p>Its {accounts} will use the next segment they match, or the organisation’s weights and thresholds, and are scored again.</p>
      {remove.error && (
        <p className="form-error" role="alert">
          {errorMessage(remove.error)}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button button-secondary" onClick={onClose}>
          Keep it
        </button>
        <button type="button" className="button button-danger" disabled={remove.isPending} onClick={() => remove.mutate({ id: segment.id })}>
          {remove.isPending ? 'Deleting…' : 'Delete segment'}
        </button>
      </div>
    </Dialog>
  );
}

type Editing = { kind: 'new' } | { kind: 'edit'; segment: Segment } | { kind: 'delete'; segment: Segment } | null;

function SegmentTable({
  segments,
  onEdit,
  onDelete,
  onSaving,
}: {
  segments: Segment[];
  onEdit: (segment: Segment) => void;
  onDelete: (segment: Segment) => void;
  onSaving: (pending: boolean, saved: RecomputeSaved | null) => void;
}) {
  const utils = trpc.useUtils();
  const move = trpc.segments.update.useMutation({
    onMutate: () => onSaving(true, null),
    onError: () => onSaving(false, null),
    onSuccess: async (result) => {
      onSaving(false, result.recompute);
      await utils.invalidate();
    },
  });
  const moveTo = (segment: Segment, neighbour: Segment | undefined) => {
    if (neighbour) move.mutate({ id: segment.id, position: neighbour.position });
  };
  return (
    <>
      {move.error && (
        <p className="form-error" role="alert">
          {errorMessage(move.error)}
        </p>
      )}
      <div className="table-wrap">
        <table className="table segments-table">
          <caption className="visually-hidden">Segments, first match first</caption>
          <thead>
            <tr>
              <th scope="col" className="numeric">
                Order
              </th>
              <th scope="col">Segment</th>
              <th scope="col">Rule</th>
              <th scope="col">Weights</th>
              <th scope="col">Tiers</th>
              <th scope="col" className="numeric">
                Accounts
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {segments.map((segment, index) => (
              <tr key={segment.id}>
                <td className="numeric">{index + 1}</td>
                <th scope="row" className="cell-wrap">
                  {segment.name}
                </th>
                <td className="cell-wrap">{describeRule(segment.rule)}</td>
                <td className={segment.categoryWeights ? 'cell-wrap' : 'cell-wrap cell-muted'}>{describeWeights(segment.categoryWeights)}</td>
                <td className={segment.tiers ? 'cell-wrap' : 'cell-wrap cell-muted'}>{describeTiers(segment.tiers)}</td>
                <td className="numeric">{formatCount(segment.accountCount)}</td>
                <td className="cell-actions segment-actions">
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`Move ${segment.name} up`}
                    disabled={index === 0 || move.isPending}
                    onClick={() => moveTo(segment, segments[index - 1])}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`Move ${segment.name} down`}
                    disabled={index === segments.length - 1 || move.isPending}
                    onClick={() => moveTo(segment, segments[index + 1])}
                  >
                    ↓
                  </button>
                  <button type="button" className="button button-secondary button-small" onClick={() => onEdit(segment)}>
                    Edit<span className="visually-hidden"> {segment.name}</span>
                  </button>
                  <button type="button" className="button button-secondary button-small" onClick={() => onDelete(segment)}>
                    Delete<span className="visually-hidden"> {segment.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={7} className="cell-muted">
                Accounts that match no segment use the organisation’s weights and thresholds (<Link to="/settings">Settings</Link>).
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </>
  );
}

/** Admins group accounts by a rule on their fields and give each group its own weights and tier thresholds. */
export function SegmentsPage() {
  const segments = trpc.segments.list.useQuery();
  const settings = trpc.ranges.settings.useQuery();
  const [editing, setEditing] = useState<Editing>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<RecomputeSaved | null>(null);
  const onSaving = (pending: boolean, result: RecomputeSaved | null) => {
    setSaving(pending);
    setSaved(result);
  };
  const close = () => setEditing(null);
  return (
    <Page
      title="Segments"
      description="Accounts matching a segment’s rule are scored with its weights and tier thresholds. An account uses the first segment it matches, from the top."
      actions={
        <button type="button" className="button button-primary" disabled={!settings.data} onClick={() => setEditing({ kind: 'new' })}>
          New segment
        </button>
      }
    >
      <RecomputeNotice pending={saving} saved={saved} />
      {settings.error && (
        <p className="form-error" role="alert">
          The organisation’s weights could not be loaded, so segments cannot be edited now. {errorMessage(settings.error)}
        </p>
      )}
      <div className="card card-flush">
        <QueryView query={segments} loadingLabel="Loading segments…" errorTitle="Segments could not be loaded">
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState title="No segments yet">Every account is scored with the organisation’s weights and thresholds.</EmptyState>
            ) : (
              <SegmentTable
                segments={items}
                onEdit={(segment) => setEditing({ kind: 'edit', segment })}
                onDelete={(segment) => setEditing({ kind: 'delete', segment })}
                onSaving={onSaving}
              />
            )
          }
        </QueryView>
      </div>
      {settings.data && (editing?.kind === 'new' || editing?.kind === 'edit') && (
        <SegmentEditor
          key={editing.kind === 'edit' ? editing.segment.id : 'new'}
          segment={editing.kind === 'edit' ? editing.segment : null}
          settings={settings.data}
          onClose={close}
          onSaving={onSaving}
        />
      )}
      {editing?.kind === 'delete' && <DeleteSegment key={editing.segment.id} segment={editing.segment} onClose={close} onSaving={onSaving} />}
    </Page>
  );
}
