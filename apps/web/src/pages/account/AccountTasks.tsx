import { useState, type FormEvent } from 'react';
import { Card } from '../../components/Card.js';
import { Field, FormError, SelectField } from '../../components/Field.js';
import { InfiniteListView } from '../../components/InfiniteListView.js';
import { TaskList, useTaskChanged } from '../../components/TaskList.js';
import { localDay } from '../../day.js';
import { formErrors } from '../../errors.js';
import { useInfiniteList } from '../../hooks/useInfiniteList.js';
import { trpc } from '../../trpc.js';
import { formText } from '../../form.js';

function NewTask({ accountId, onDone }: { accountId: string; onDone: () => void }) {
  const changed = useTaskChanged();
  const create = trpc.tasks.create.useMutation({
    onSuccess: async () => {
      await changed();
      onDone();
    },
  });
  const { message, fieldErrors } = formErrors(create.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      accountId,
      title: formText(form, 'title'),
      dueDate: formText(form, 'dueDate'),
      priority: formText(form, 'priority') as 'low' | 'normal' | 'high',
    });
  };
  return (
    <form className="form-grid" onSubmit={submit} noValidate aria-label="New task">
      <FormError message={message} />
      <Field label="Task" name="title" required maxLength={200} errors={fieldErrors.title} />
      <Field label="Due" name="dueDate" type="date" defaultValue={localDay(1)} required errors={fieldErrors.dueDate} />
      <SelectField label="Priority" name="priority" defaultValue="normal">
        <option value="low">Low</option>
        <option value="normal">Normal</option>
        <option value="high">High</option>
      </SelectField>
      <div className="form-actions">
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add task'}
        </button>
      </div>
    </form>
  );
}

/** The account's open tasks, earliest due first, and a form to add one. */
export function AccountTasks({ account }: { account: { id: string; archived: boolean } }) {
  const list = useInfiniteList(trpc.tasks.list, { limit: 20, accountId: account.id, status: 'open' });
  const [adding, setAdding] = useState(false);
  return (
    <Card
      title="Open tasks"
      actions={
        !account.archived &&
        !adding && (
          <button type="button" className="button button-secondary button-small" onClick={() => setAdding(true)}>
            New task
          </button>
        )
      }
    >
      {adding && <NewTask accountId={account.id} onDone={() => setAdding(false)} />}
      <InfiniteListView
        list={list}
        loadingLabel="Loading tasks…"
        errorTitle="Tasks could not be loaded"
        empty={<p className="cell-muted">No open task for this account.</p>}
      >
        {(items) => <TaskList tasks={items} showAccount={false} label="Open tasks of this account" />}
      </InfiniteListView>
    </Card>
  );
}
