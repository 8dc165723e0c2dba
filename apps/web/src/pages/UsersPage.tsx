import { useState, type FormEvent } from 'react';
import { MAX_PASSWORD_BYTES, PASSWORD_RULE, textLimits } from '@pulse/api/limits';
import { Dialog } from '../components/Dialog.js';
import { Field, FormError, SelectField } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { EmptyState } from '../components/states.js';
import { Tag } from '../components/Tag.js';
import { errorMessage, formErrors, type ErrorLike } from '../errors.js';
import { formatDateTime } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { useSignedInSession } from '../session.js';
import { trpc, type RouterOutputs } from '../trpc.js';
import { formText } from '../form.js';

type Member = RouterOutputs['users']['list']['items'][number];
type Role = Member['role'];

function AddUser({ open, onClose }: { open: boolean; onClose: () => void }) {
  const utils = trpc.useUtils();
  const create = trpc.users.create.useMutation({
    onSuccess: async () => {
      onClose();
      await utils.users.list.invalidate();
    },
  });
  const { message, fieldErrors } = formErrors(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: formText(form, 'name'),
      email: formText(form, 'email'),
      role: formText(form, 'role') as Role,
      password: formText(form, 'password'),
    });
  };
  return (
    <Dialog
      open={open}
      title="Add a user"
      onClose={close}
      description="Give them their email address and this initial password; they can change it once signed in."
    >
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <Field label="Name" name="name" autoComplete="off" required maxLength={textLimits.name} errors={fieldErrors.name} />
        <Field label="Email" name="email" type="email" autoComplete="off" required maxLength={textLimits.email} errors={fieldErrors.email} />
        <SelectField
          label="Role"
          name="role"
          defaultValue="member"
          errors={fieldErrors.role}
          hint="Admins also manage users, settings and ranges, and see the activity log."
        >
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </SelectField>
        <Field
          label="Initial password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          maxLength={MAX_PASSWORD_BYTES}
          hint={PASSWORD_RULE}
          errors={fieldErrors.password}
        />
        <div className="modal-actions">
          <button type="button" className="button button-secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function UserRow({ member, isSelf, onError }: { member: Member; isSelf: boolean; onError: (error: ErrorLike | null) => void }) {
  const utils = trpc.useUtils();
  const done = {
    onSuccess: async () => {
      onError(null);
      await Promise.all([utils.users.list.invalidate(), isSelf ? utils.session.status.invalidate() : undefined]);
    },
    onError,
  };
  const updateRole = trpc.users.updateRole.useMutation(done);
  const setActive = trpc.users.setActive.useMutation(done);
  return (
    <tr className={member.active ? undefined : 'row-inactive'}>
      <th scope="row" className="cell-wrap user-name">
        {member.name}
        {isSelf && <span className="cell-sub">You</span>}
      </th>
      <td className="cell-wrap">{member.email}</td>
      <td>
        <select
          className="input select input-compact"
          aria-label={`Role of ${member.name}`}
          value={member.role}
          disabled={updateRole.isPending}
          onChange={(event) => updateRole.mutate({ id: member.id, role: event.target.value as Role })}
        >
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </select>
      </td>
      <td>{member.active ? <Tag tone="success">Active</Tag> : <Tag>Deactivated</Tag>}</td>
      <td className="cell-muted">{member.lastLoginAt ? formatDateTime(member.lastLoginAt) : 'Never'}</td>
      <td className="cell-actions">
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={setActive.isPending}
          onClick={() => setActive.mutate({ id: member.id, active: !member.active })}
        >
          {member.active ? 'Deactivate' : 'Reactivate'}
          <span className="visually-hidden"> {member.name}</span>
        </button>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const session = useSignedInSession();
  const users = useInfiniteList(trpc.users.list, { limit: 50 });
  const [adding, setAdding] = useState(false);
  const [failure, setFailure] = useState<ErrorLike | null>(null);
  return (
    <Page
      title="Users"
      description="Everyone who can sign in to this organisation. Deactivated users are signed out at once."
      actions={
        <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
          Add user
        </button>
      }
    >
      <div className="card card-flush">
        {failure && (
          <p className="form-error card-alert" role="alert">
            {errorMessage(failure)}
          </p>
        )}
        <InfiniteListView list={users} loadingLabel="Loading users…" errorTitle="Users could not be loaded" empty={<EmptyState title="No users" />}>
          {(items) => (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Users</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last sign-in</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((member) => (
                    <UserRow key={member.id} member={member} isSelf={member.id === session.user.id} onError={setFailure} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </InfiniteListView>
      </div>
      <AddUser open={adding} onClose={() => setAdding(false)} />
    </Page>
  );
}
