import { useState } from 'react';
import { errorMessage } from '../errors.js';
import { formatCount } from '../format.js';
import { trpc } from '../trpc.js';
import { SelectField } from './Field.js';
import '../workday.css';

/** 'me', 'all' or a user's id, as the accounts list's ?owner= keeps it. */
export type OwnerChoice = string;

/** The organisation's active users, for admins (members only choose between theirs and everyone's). */
function useAssignableUsers(enabled: boolean) {
  const users = trpc.users.list.useQuery({ limit: 100, active: true }, { enabled });
  return users.data?.items ?? [];
}

export function OwnerFilter({ value, isAdmin, onChange }: { value: OwnerChoice; isAdmin: boolean; onChange: (next: OwnerChoice) => void }) {
  const users = useAssignableUsers(isAdmin);
  return (
    <SelectField label="Owner" name="owner" value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="me">My accounts</option>
      <option value="all">Everyone’s</option>
      {users.map((user) => (
        <option key={user.id} value={user.id}>
          {user.name}
        </option>
      ))}
    </SelectField>
  );
}

/** Gives the selected accounts to one user. */
export function BulkAssign({ accountIds, onDone }: { accountIds: string[]; onDone: () => void }) {
  const users = useAssignableUsers(true);
  const [userId, setUserId] = useState('');
  const utils = trpc.useUtils();
  const assign = trpc.accounts.assignOwner.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.accounts.invalidate(), utils.renewals.invalidate()]);
      onDone();
    },
  });
  return (
    <div className="bulk-bar" role="region" aria-label="Assign an owner">
      <strong>{formatCount(accountIds.length)} selected</strong>
      <SelectField label="New owner" name="assignTo" value={userId} onChange={(event) => setUserId(event.target.value)}>
        <option value="">Choose a person</option>
        <option value="none">Nobody</option>
        {users.map((user) => (
          <option key={user.id} value={user.id}>
            {user.name}
          </option>
        ))}
      </SelectField>
      <button
        type="button"
        className="button button-primary"
        disabled={userId === '' || assign.isPending}
        onClick={() => assign.mutate({ accountIds, userId: userId === 'none' ? null : userId })}
      >
        {assign.isPending ? 'Assigning…' : 'Assign'}
      </button>
      <button type="button" className="button button-secondary" onClick={onDone}>
        Clear selection
      </button>
      {assign.error && (
        <p className="form-error" role="alert">
          {errorMessage(assign.error)}
        </p>
      )}
    </div>
  );
}

function ResolveOwner({ csmOwner, accounts }: { csmOwner: string; accounts: number }) {
  const users = useAssignableUsers(true);
  const utils = trpc.useUtils();
  const resolve = trpc.accounts.resolveOwner.useMutation({ onSuccess: () => utils.accounts.invalidate() });
  return (
    <li className="task-row">
      <div className="task-main">
        <span className="task-title">{csmOwner}</span>
        <span className="task-meta">
          {formatCount(accounts)} account{accounts === 1 ? '' : 's'}
        </span>
        {resolve.error && (
          <p className="form-error" role="alert">
            {errorMessage(resolve.error)}
          </p>
        )}
      </div>
      <SelectField
        label={`Give ${csmOwner}'s accounts to`}
        name="resolveTo"
        value=""
        disabled={resolve.isPending}
        onChange={(event) => event.target.value && resolve.mutate({ csmOwner, userId: event.target.value })}
      >
        <option value="">Choose a person</option>
        {users.map((user) => (
          <option key={user.id} value={user.id}>
            {user.name}
          </option>
        ))}
      </SelectField>
    </li>
  );
}

/** Imported owner names that match no user, for an admin to hand to someone. */
export function UnmatchedOwners() {
  const unmatched = trpc.accounts.unmatchedOwners.useQuery({ limit: 100 });
  const items = unmatched.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <details className="bulk-bar">
      <summary>
        {formatCount(items.length)} imported owner name{items.length === 1 ? '' : 's'} match no user
      </summary>
      <ul className="task-list">
        {items.map((item) => (
          <ResolveOwner key={item.csmOwner} csmOwner={item.csmOwner} accounts={item.accounts} />
        ))}
      </ul>
    </details>
  );
}
