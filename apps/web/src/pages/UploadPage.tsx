import { useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Card } from '../components/Card.js';
import { Dialog } from '../components/Dialog.js';
import { Field, FormError } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { EmptyState, QueryView } from '../components/states.js';
import { UploadReportView } from '../components/UploadReport.js';
import { UploadStatus, UploadTable, type UploadSummary } from '../components/UploadTable.js';
import { formErrors } from '../errors.js';
import { currentMonth, formatBytes, formatDateTime } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { useUpload, type UploadState } from '../hooks/useUpload.js';
import { trpc } from '../trpc.js';

const ACCEPTED = ['.xlsx', '.csv'];

function isAccepted(file: File): boolean {
  const name = file.name.toLowerCase();
  return ACCEPTED.some((extension) => name.endsWith(extension));
}

function DropZone({ file, onFile, disabled }: { file: File | null; onFile: (file: File) => void; disabled: boolean }) {
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();
  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped && !disabled) onFile(dropped);
  };
  return (
    <div
      className={`drop-zone${dragging ? ' drop-zone-active' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        if (!disabled) setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <input
        ref={input}
        id={inputId}
        className="visually-hidden"
        type="file"
        name="file"
        accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        aria-describedby={hintId}
        disabled={disabled}
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          if (chosen) onFile(chosen);
          event.target.value = '';
        }}
      />
      {file ? (
        <p className="drop-zone-file">
          <strong>{file.name}</strong> <span className="cell-muted">{formatBytes(file.size)}</span>
        </p>
      ) : (
        <p className="drop-zone-title">Drop a KPI workbook or CSV file here</p>
      )}
      <p id={hintId} className="field-hint">
        An .xlsx workbook (one account) or a .csv file (account and period on every row), up to 16 MB.
      </p>
      <label htmlFor={inputId} className="button button-secondary">
        {file ? 'Choose another file' : 'Choose a file'}
      </label>
    </div>
  );
}

function UploadProgress({ state, onCancel }: { state: UploadState; onCancel: () => void }) {
  if (state.phase === 'sending') {
    const percent = state.sent === null ? null : state.sent * 100;
    return (
      <div className="upload-progress">
        <p className="upload-progress-label">Uploading{percent === null ? '…' : ` ${Math.round(percent)}%`}</p>
        <ProgressBar label="Upload progress" percent={percent} size="large" />
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel upload
        </button>
      </div>
    );
  }
  if (state.phase === 'importing') {
    return (
      <div className="upload-progress">
        <p className="upload-progress-label">Importing and scoring…</p>
        <ProgressBar label="Import progress" percent={null} valueText="Importing" size="large" />
      </div>
    );
  }
  return null;
}

function UploadForm() {
  const [file, setFile] = useState<File | null>(null);
  const [wrongType, setWrongType] = useState(false);
  const [period, setPeriod] = useState(currentMonth());
  const [accountName, setAccountName] = useState('');
  const upload = useUpload();
  const busy = upload.state.phase === 'sending' || upload.state.phase === 'importing';
  const isWorkbook = file?.name.toLowerCase().endsWith('.xlsx') ?? false;
  const failure = upload.state.phase === 'failed' ? formErrors(upload.state.error) : null;

  const choose = (chosen: File) => {
    setWrongType(!isAccepted(chosen));
    setFile(isAccepted(chosen) ? chosen : null);
    upload.reset();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (file) upload.start({ file, period: isWorkbook ? period : '', accountName: isWorkbook ? accountName : '' });
  };

  return (
    <>
      <Card title="Upload KPIs" description="Each upload replaces the readings of the account periods it contains; earlier versions stay in the history.">
        <form className="form upload-form" onSubmit={submit} noValidate>
          <DropZone file={file} onFile={choose} disabled={busy} />
          {wrongType && <FormError message="Choose an .xlsx workbook or a .csv file." />}
          {failure && <FormError message={failure.message} />}
          <div className="form-grid">
            <Field
              label="Period"
              name="period"
              type="month"
              required
              value={period}
              onChange={(event) => setPeriod(event.target.value)}
              disabled={busy || (file !== null && !isWorkbook)}
              hint={isWorkbook || !file ? 'The month of a workbook’s readings.' : 'CSV rows carry their own period.'}
              errors={failure?.fieldErrors.period}
            />
            <Field
              label="Account name (optional)"
              name="accountName"
              value={accountName}
              onChange={(event) => setAccountName(event.target.value)}
              disabled={busy || (file !== null && !isWorkbook)}
              hint="Workbooks only; leave blank to use the workbook’s Company row."
              errors={failure?.fieldErrors.accountName}
              fieldClassName="span-2"
            />
          </div>
          <UploadProgress state={upload.state} onCancel={upload.cancel} />
          {!busy && (
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={!file}>
                Upload
              </button>
            </div>
          )}
        </form>
      </Card>
      {upload.state.phase === 'done' && (
        <Card title={`Report: ${file?.name ?? 'upload'}`} className="report-card" focusTitle>
          <UploadReportView report={upload.state.result.report} />
        </Card>
      )}
    </>
  );
}

function StoredReport({ upload, onClose }: { upload: UploadSummary | null; onClose: () => void }) {
  const detail = trpc.uploads.byId.useQuery({ id: upload?.id ?? '' }, { enabled: upload !== null });
  return (
    <Dialog
      open={upload !== null}
      title={upload ? `Report: ${upload.filename}` : 'Report'}
      onClose={onClose}
      wide
      description={
        upload && (
          <>
            <UploadStatus status={upload.status} /> Uploaded by {upload.uploadedBy.name} on {formatDateTime(upload.createdAt)}
          </>
        )
      }
    >
      <QueryView query={detail} loadingLabel="Loading the report…">
        {(data) => <UploadReportView report={data.report} />}
      </QueryView>
    </Dialog>
  );
}

function UploadHistory() {
  const uploads = useInfiniteList(trpc.uploads.list, { limit: 25 });
  const [shown, setShown] = useState<UploadSummary | null>(null);
  return (
    <Card title="Upload history" description="Every file uploaded to this organisation, newest first.">
      <InfiniteListView list={uploads} loadingLabel="Loading uploads…" empty={<EmptyState title="Nothing uploaded yet" />}>
        {(items) => <UploadTable uploads={items} caption="Upload history" onShowReport={setShown} />}
      </InfiniteListView>
      <StoredReport upload={shown} onClose={() => setShown(null)} />
    </Card>
  );
}

export function UploadPage() {
  return (
    <Page title="Upload" description="Import KPI workbooks and CSV files; Pulse scores every reading and recomputes health.">
      <UploadForm />
      <UploadHistory />
    </Page>
  );
}
