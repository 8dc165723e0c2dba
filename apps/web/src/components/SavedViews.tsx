import { useState, type FormEvent } from 'react';
import { saveFile } from '../download.js';
import { errorMessage, formErrors, type ErrorLike } from '../errors.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc.js';
import { Dialog } from './Dialog.js';
import { Field, FormError, SelectField } from './Field.js';

export type ViewState = RouterInputs['views']['save']['state'];
type SavedView = RouterOutputs['views']['list']['items'][number];

function SaveView({
  current,
  state,
  onSaved,
  onClose,
}: {
  current: SavedView | null;
  state: ViewState;
  onSaved: (view: SavedView) => void;
  onClose: () => void;
}) {
  const utils = trpc.useUtils();
  const save = trpc.views.save.useMutation({
    onSuccess: async (view) => {
      await utils.views.list.invalidate();
      onSaved(view);
      onClose();
    },
  });
  const { message, fieldErrors } = formErrors(save.error);
  const mine = current?.mine ? current : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const replace = form.get('replace') === 'on';
    const name = form.get('name');
    save.mutate({ id: replace && mine ? mine.id : null, name: typeof name === 'string' ? name : '', shared: form.get('shared') === 'on', state });
  };
  return (
    <Dialog open title="Save this view" onClose={onClose} description="The filters, sort and columns of the list as they are now.">
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={message} />
        <Field label="Name" name="name" required maxLength={100} defaultValue={mine?.name ?? ''} errors={fieldErrors.name} />
        <label className="checkbox">
          <input type="checkbox" name="shared" defaultChecked={mine?.shared ?? false} />
          <span>Share with everyone in the organisation</span>
        </label>
        {mine && (
          <label className="checkbox">
            <input type="checkbox" name="replace" defaultChecked />
            <span>Replace “{mine.name}” (untick to save a new view)</span>
          </label>
        )}
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save view'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/**
 * Saved views of the accounts list: choose one (its filters, sort and columns replace the
 * list's), save the current list as a view, delete one's own, export the current list to CSV.
 */
export function SavedViews({ selectedId, state, onApply }: { selectedId: string | null; state: ViewState; onApply: (view: SavedView | null) => void }) {
  const utils = trpc.useUtils();
  const list = useInfiniteList(trpc.views.list, { limit: 100 });
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const selected = list.items.find((v) => v.id === selectedId) ?? null;
  const remove = trpc.views.delete.useMutation({
    onSuccess: async () => {
      await utils.views.list.invalidate();
      onApply(null);
    },
    onError: (error) => setFailure(errorMessage(error)),
  });
  const exportCsv = async () => {
    setFailure(null);
    try {
      const { filename, csv } = await utils.views.exportCsv.fetch({ state }, { staleTime: 0 });
      saveFile(filename, csv, 'text/csv;charset=utf-8');
    } catch (error) {
      setFailure(errorMessage(error as ErrorLike));
    }
  };
  return (
    <div className="toolbar" role="group" aria-label="Saved views">
      <SelectField
        label="Saved view"
        name="savedView"
        value={selected?.id ?? ''}
        onChange={(event) => onApply(list.items.find((v) => v.id === event.target.value) ?? null)}
      >
        <option value="">Unsaved view</option>
        {list.items.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
            {v.mine ? (v.shared ? ' (shared)' : '') : ` (${v.owner.name})`}
          </option>
        ))}
      </SelectField>
      {list.hasMore && (
        <button type="button" className="button button-secondary button-small" disabled={list.loadingMore} onClick={list.loadMore}>
          More views
        </button>
      )}
      <button type="button" className="button button-secondary" onClick={() => setSaving(true)}>
        Save view
      </button>
      {selected?.mine && (
        <button type="button" className="button button-secondary" disabled={remove.isPending} onClick={() => remove.mutate({ id: selected.id })}>
          Delete view<span className="visually-hidden"> {selected.name}</span>
        </button>
      )}
      <button type="button" className="button button-secondary" onClick={() => void exportCsv()}>
        Export CSV
      </button>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      {saving && <SaveView current={selected} state={state} onSaved={onApply} onClose={() => setSaving(false)} />}
    </div>
  );
}
