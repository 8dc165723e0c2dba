import { useState } from 'react';
import { saveFile } from '../download.js';
import { errorMessage, type ErrorLike } from '../errors.js';

/** "Export CSV": fetches the file the server builds (fetchCsv) and saves it; a failure is a sentence beside the button. */
export function ExportCsvButton({ fetchCsv }: { fetchCsv: () => Promise<{ filename: string; csv: string }> }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const exportCsv = async () => {
    setState({ busy: true, error: null });
    try {
      const { filename, csv } = await fetchCsv();
      saveFile(filename, csv, 'text/csv;charset=utf-8');
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error: errorMessage(error as ErrorLike) });
    }
  };
  return (
    <>
      <button type="button" className="button button-secondary" disabled={state.busy} onClick={() => void exportCsv()}>
        {state.busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {state.error && (
        <p className="form-error" role="alert">
          {state.error}
        </p>
      )}
    </>
  );
}
