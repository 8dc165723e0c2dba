import { useState, type FormEvent } from 'react';
import { Dialog } from '../components/Dialog.js';
import { Field, FormError, SelectField, TextAreaField } from '../components/Field.js';
import { HealthBadge } from '../components/HealthBadge.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { formErrors } from '../errors.js';
import { formatChange, formatCount, formatDate, formatMoney } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useSetSearch } from '../search.js';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc.js';
import '../workday.css';
import { formText } from '../form.js';

type Renewal = RouterOutputs['renewals']['list']['items'][number];
type Outcome = RouterInputs['renewals']['recordOutcome']['outcome'];

export const WINDOWS = [30, 60, 90, 120] as const;
const outcomeLabels: Record<Outcome, string> = { renewed: 'Renewed', expanded: 'Expanded', contracted: 'Contracted', churned: 'Churned' };

function daysText(days: number): string {
  if (days === 0) return 'today';
  if (days < 0) return `${formatCount(-days)} day${days === -1 ? '' : 's'} ago`;
  return `in ${formatCount(days)} day${days === 1 ? '' : 's'}`;
}

/** Records a renewal's outcome; the new amount for expansions and contractions, a reason for churn. */
function RecordOutcome({ renewal, onClose }: { renewal: Renewal; onClose: () => void }) {
  const utils = trpc.useUtils();
  const [outcome, setOutcome] = useState<Outcome>('renewed');
  const record = trpc.renewals.recordOutcome.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.renewals.invalidate(), utils.accounts.invalidate(), utils.health.summary.invalidate()]);
      onClose();
    },
  });
  const { message, fieldErrors } = formErrors(record.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => formText(form, name).trim() || null;
    const amount = text('amount');
    record.mutate({
      accountId: renewal.account.id,
      outcome,
      amount: amount === null ? null : Number(amount.replace(/[,\s$]/g, '')),
      reason: text('reason'),
      nextRenewalDate: outcome === 'churned' ? null : text('nextRenewalDate'),
    });
  };
  return (
    <Dialog
      open
      title={`Renewal of ${renewal.account.name}`}
      onClose={onClose}
      description={`Due ${formatDate(renewal.renewalDate)}. The outcome is kept in the account's history.`}
    >
      <form className="form-grid" onSubmit={submit} noValidate>
        <FormError message={message} />
        <SelectField label="Outcome" name="outcome" value={outcome} onChange={(event) => setOutcome(event.target.value as Outcome)}>
          {(Object.keys(outcomeLabels) as Outcome[]).map((o) => (
            <option key={o} value={o}>
              {outcomeLabels[o]}
            </option>
          ))}
        </SelectField>
        {outcome !== 'churned' && (
          <Field
            label={outcome === 'renewed' ? 'New amount (optional)' : 'New amount'}
            name="amount"
            inputMode="decimal"
            hint={renewal.revenue === null ? undefined : `Now ${formatMoney(renewal.revenue)} a year.`}
            errors={fieldErrors.amount}
          />
        )}
        {outcome === 'churned' ? (
          <TextAreaField label="Why did they leave?" name="reason" rows={3} errors={fieldErrors.reason} />
        ) : (
          <Field
            label="Next renewal date"
            name="nextRenewalDate"
            type="date"
            hint="A year after this renewal when left empty."
            errors={fieldErrors.nextRenewalDate}
          />
        )}
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={record.isPending}>
            {record.isPending ? 'Saving…' : 'Record outcome'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RenewalRow({ renewal, onRecord }: { renewal: Renewal; onRecord: () => void }) {
  const change = renewal.health.change;
  return (
    <tr>
      <td className="cell-wrap">
        <Link to="/accounts/$accountId" params={{ accountId: renewal.account.id }} className="cell-strong">
          {renewal.account.name}
        </Link>
        <span className="cell-sub">{renewal.owner?.name ?? 'No owner'}</span>
      </td>
      <td>
        {formatDate(renewal.renewalDate)}
        <span className="renewal-days">{renewal.overdue ? <Tag tone="danger">Overdue</Tag> : daysText(renewal.daysUntil)}</span>
      </td>
      <td>
        <HealthBadge score={renewal.health.overall === null ? null : Math.round(renewal.health.overall * 10) / 10} tier={renewal.health.tier} />
        {change !== null && <span className="renewal-days">{formatChange(change)} since last period</span>}
      </td>
      <td>{formatMoney(renewal.revenue)}</td>
      <td>{formatCount(renewal.openTasks)}</td>
      <td>
        <button type="button" className="button button-secondary button-small" onClick={onRecord} aria-label={`Record the outcome for ${renewal.account.name}`}>
          Record outcome
        </button>
      </td>
    </tr>
  );
}

const route = getRouteApi('/renewals');

/** Renewals in the next 30/60/90/120 days, with past ones that have no outcome flagged overdue. */
export function RenewalsPage() {
  const search = route.useSearch();
  const setSearch = useSetSearch('/renewals');
  const withinDays = search.days ?? 30;
  const mine = search.who === 'me';
  const overdueOnly = search.overdue === '1';
  const list = useInfiniteList(trpc.renewals.list, { limit: 30, withinDays, owner: mine ? 'me' : null, overdue: overdueOnly ? true : null });
  const [recording, setRecording] = useState<Renewal | null>(null);
  return (
    <Page title="Renewals" description="Accounts renewing soon, with their health, revenue and open tasks.">
      <div className="card card-flush">
        <div className="card-toolbar">
          <div className="segmented segmented-wrap" role="group" aria-label="Renewing within">
            {WINDOWS.map((days) => (
              <button
                key={days}
                type="button"
                className="segmented-option"
                aria-pressed={days === withinDays}
                onClick={() => setSearch({ days: days === 30 ? undefined : days })}
              >
                {days} days
              </button>
            ))}
          </div>
          <div className="toolbar">
            <label className="checkbox toolbar-checkbox">
              <input type="checkbox" checked={overdueOnly} onChange={(event) => setSearch({ overdue: event.target.checked ? '1' : undefined })} />
              <span>Overdue only</span>
            </label>
            <label className="checkbox toolbar-checkbox">
              <input type="checkbox" checked={mine} onChange={(event) => setSearch({ who: event.target.checked ? 'me' : undefined })} />
              <span>My accounts</span>
            </label>
          </div>
        </div>
        <InfiniteListView
          list={list}
          loadingLabel="Loading renewals…"
          errorTitle="Renewals could not be loaded"
          empty={<EmptyState title={`No renewal in the next ${withinDays} days`}>Renewal dates come from the account profiles.</EmptyState>}
        >
          {(items) => (
            <div className="table-wrap">
              <table className="table renewals-table">
                <caption className="visually-hidden">Renewals in the next {withinDays} days</caption>
                <thead>
                  <tr>
                    <th scope="col">Account</th>
                    <th scope="col">Renews</th>
                    <th scope="col">Health</th>
                    <th scope="col">Revenue</th>
                    <th scope="col">Open tasks</th>
                    <th scope="col" aria-label="Outcome" />
                  </tr>
                </thead>
                <tbody>
                  {items.map((renewal) => (
                    <RenewalRow key={renewal.account.id} renewal={renewal} onRecord={() => setRecording(renewal)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </InfiniteListView>
      </div>
      {recording && <RecordOutcome key={recording.account.id} renewal={recording} onClose={() => setRecording(null)} />}
    </Page>
  );
}
