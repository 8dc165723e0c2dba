import { textLimits } from '@pulse/api/limits';
import { useState, type FormEvent } from 'react';
import { formErrors } from '../errors.js';
import { useDebouncedValue } from '../hooks/useDebouncedValue.js';
import { trpc } from '../trpc.js';
import { Dialog } from './Dialog.js';
import { Field, FormError, SelectField } from './Field.js';
import { HealthBadge } from './HealthBadge.js';
import { useStartPlaybook, type PlaybookKey } from './Recommendations.js';

function AccountPicker({ value, onChange, errors }: { value: string; onChange: (accountId: string) => void; errors?: string[] }) {
  const [search, setSearch] = useState('');
  const settled = useDebouncedValue(search.trim(), 250);
  const matches = trpc.accounts.list.useQuery({ limit: 8, search: settled || null });
  return (
    <fieldset className="picker">
      <legend className="field-label">Account</legend>
      <Field
        label="Find an account"
        name="accountSearch"
        type="search"
        placeholder="Account name"
        maxLength={textLimits.name}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className="picker-options" aria-live="polite">
        {matches.isPending && <p className="cell-muted">Searching…</p>}
        {matches.data?.items.length === 0 && <p className="cell-muted">No account matches.</p>}
        {matches.data?.items.map((account) => (
          <label key={account.id} className="picker-option">
            <input type="radio" name="accountId" value={account.id} checked={value === account.id} onChange={() => onChange(account.id)} />
            <span className="picker-option-name">{account.name}</span>
            <HealthBadge score={account.health.overall === null ? null : Math.round(account.health.overall * 10) / 10} tier={account.health.tier} />
          </label>
        ))}
      </div>
      {errors?.length ? (
        <ul className="field-errors">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

export interface StartPlaybookDialogProps {
  open: boolean;
  onClose: () => void;
  /** Preselects a playbook (from the catalogue). */
  playbookKey?: PlaybookKey;
  /** Starts it for this account (from the account's page) instead of one picked by name. */
  account?: { id: string; name: string };
}

/** Starts a playbook for an account picked by name; the run opens once started. */
export function StartPlaybookDialog({ open, onClose, playbookKey, account }: StartPlaybookDialogProps) {
  const catalogue = trpc.playbooks.catalogue.useQuery(undefined, { enabled: open });
  const [key, setKey] = useState<PlaybookKey | ''>(playbookKey ?? '');
  const [accountId, setAccountId] = useState(account?.id ?? '');
  const [missing, setMissing] = useState<Record<string, string[]>>({});
  const start = useStartPlaybook();
  const server = formErrors(start.error);
  const fieldErrors = { ...server.fieldErrors, ...missing };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors: Record<string, string[]> = {};
    if (!key) errors.playbookKey = ['Choose a playbook.'];
    if (!accountId) errors.accountId = ['Choose an account.'];
    setMissing(errors);
    if (key && accountId) start.mutate({ accountId, playbookKey: key });
  };
  const close = () => {
    start.reset();
    setMissing({});
    onClose();
  };

  return (
    <Dialog open={open} title={account ? `Start a playbook for ${account.name}` : 'Start a playbook'} onClose={close} wide>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={Object.keys(missing).length ? 'Choose a playbook and an account.' : server.message} />
        <SelectField
          label="Playbook"
          name="playbookKey"
          value={key}
          onChange={(event) => setKey(event.target.value as PlaybookKey | '')}
          errors={fieldErrors.playbookKey}
        >
          <option value="">Choose a playbook</option>
          {catalogue.data?.map((playbook) => (
            <option key={playbook.key} value={playbook.key}>
              {playbook.name} ({playbook.durationDays} days)
            </option>
          ))}
        </SelectField>
        {!account && <AccountPicker value={accountId} onChange={setAccountId} errors={fieldErrors.accountId} />}
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={start.isPending}>
            {start.isPending ? 'Starting…' : 'Start playbook'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
