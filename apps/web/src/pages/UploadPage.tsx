import { useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES, maxUploadBytes } from '@pulse/client';
import { Card } from '../components/Card.js';
import { Dialog } from '../components/Dialog.js';
import { Field, FormError } from '../components/Field.js';
import { InfiniteListView } from '../components/InfiniteListView.js';
import { Page } from '../components/Page.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { EmptyState, QueryView } from '../components/states.js';
import { ProblemsTable, UploadReportView } from '../components/UploadReport.js';
import { UploadStatus, UploadTable, type UploadSummary } from '../components/UploadTable.js';
import { formErrors } from '../errors.js';
import { formatBytes, formatCount, formatDateTime, previousMonth } from '../format.js';
import { useInfiniteList } from '../hooks/useInfiniteList.js';
import { useUpload, type UploadState } from '../hooks/useUpload.js';
import { useSignedInSession } from '../session.js';
import { trpc, type RouterOutputs } from '../trpc.js';

type ProfileImportResult = RouterOutputs['accounts']['importProfiles'];

/** What an upload holds: KPI readings (uploads.create) or customer profiles (accounts.importProfiles, admins). */
type UploadKind = 'readings' | 'profiles';

const EXTENSIONS: Record<UploadKind, string[]> = { readings: ['.xlsx', '.csv'], profiles: ['.xlsx'] };

/** Why a chosen file cannot be sent (checked before sending anything), or null. */
export function fileProblem(file: File, kind: UploadKind): string | null {
  const name = file.name.toLowerCase();
  if (!EXTENSIONS[kind].some((extension) => name.endsWith(extension))) {
    return kind === 'profiles' ? 'Customer profiles come in an .xlsx workbook: choose one.' : 'Choose an .xlsx workbook or a .csv file.';
  }
  const max = kind === 'profiles' ? MAX_UPLOAD_BYTES : maxUploadBytes(file.name);
  if (file.size > max) {
    return `${file.name} is ${formatBytes(file.size)}, but Pulse takes at most ${formatBytes(max)} in one upload of this kind. Split it into smaller files and upload each.`;
  }
  return null;
}

function profileForm(file: File): FormData {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
}

function DropZone({ file, onFile, disabled, kind }: { file: File | null; onFile: (file: File) => void; disabled: boolean; kind: UploadKind }) {
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
        <p className="drop-zone-title">{kind === 'profiles' ? 'Drop a customer-profile workbook here' : 'Drop a KPI workbook or CSV file here'}</p>
      )}
      <p id={hintId} className="field-hint">
        {kind === 'profiles'
          ? `The customer-profile .xlsx workbook (one account per row), up to ${formatBytes(MAX_UPLOAD_BYTES)}.`
          : `An .xlsx workbook (one account) up to ${formatBytes(MAX_UPLOAD_BYTES)}, or a .csv file (account and period on every row) up to ${formatBytes(MAX_CSV_UPLOAD_BYTES)}.`}
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
    const { progress } = state;
    return (
      <div className="upload-progress">
        <p className="upload-progress-label">Importing and scoring…</p>
        {progress ? (
          <p className="field-hint" role="status">
            {formatCount(progress.rowsParsed)} {progress.rowsParsed === 1 ? 'row' : 'rows'} read, {formatCount(progress.rowsStored)} stored
          </p>
        ) : null}
        <ProgressBar label="Import progress" percent={null} valueText="Importing" size="large" />
      </div>
    );
  }
  return null;
}

function ProfileResult({ result }: { result: ProfileImportResult }) {
  if (result.status === 'rejected') return <ProblemsTable problems={result.problems} />;
  return (
    <div className="notice notice-success" role="status">
      <strong>Customer profiles imported.</strong> {formatCount(result.created)} {result.created === 1 ? 'account' : 'accounts'} created,{' '}
      {formatCount(result.updated)} updated, {formatCount(result.products)} {result.products === 1 ? 'product' : 'products'} recorded.
    </div>
  );
}

function UploadForm({ isAdmin }: { isAdmin: boolean }) {
  const [kind, setKind] = useState<UploadKind>('readings');
  const [file, setFile] = useState<File | null>(null);
  const [choiceError, setChoiceError] = useState<string | null>(null);
  const [period, setPeriod] = useState(previousMonth());
  const [accountName, setAccountName] = useState('');
  const upload = useUpload();
  const utils = trpc.useUtils();
  const profiles = trpc.accounts.importProfiles.useMutation({ onSuccess: () => void utils.invalidate() });
  const busy = upload.state.phase === 'sending' || upload.state.phase === 'importing' || profiles.isPending;
  const isWorkbook = file?.name.toLowerCase().endsWith('.xlsx') ?? false;
  const readingFields = kind === 'readings' && (isWorkbook || !file);
  const error = upload.state.phase === 'failed' ? upload.state.error : profiles.error;
  const failure = error ? formErrors(error) : null;

  const reset = () => {
    upload.reset();
    profiles.reset();
  };
  const choose = (chosen: File) => {
    const problem = fileProblem(chosen, kind);
    setChoiceError(problem);
    setFile(problem ? null : chosen);
    reset();
  };
  const changeKind = (next: UploadKind) => {
    setKind(next);
    if (file) setChoiceError(fileProblem(file, next));
    if (file && fileProblem(file, next)) setFile(null);
    reset();
  };
  const importProfiles = (chosen: File) => {
    reset();
    setKind('profiles');
    profiles.mutate(profileForm(chosen));
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) return;
    if (kind === 'profiles') importProfiles(file);
    else upload.start({ file, period: isWorkbook ? period : '', accountName: isWorkbook ? accountName : '' });
  };
  const report = upload.state.phase === 'done' ? upload.state.result.report : null;

  return (
    <>
      <Card
        title="Upload a file"
        description="KPI readings replace the readings of the account periods they contain (earlier versions stay in the history); customer profiles create and update accounts."
      >
        <form className="form upload-form" onSubmit={submit} noValidate>
          {isAdmin && (
            <fieldset className="upload-kind" disabled={busy}>
              <legend>The file holds</legend>
              <label>
                <input type="radio" name="kind" value="readings" checked={kind === 'readings'} onChange={() => changeKind('readings')} />
                KPI readings
              </label>
              <label>
                <input type="radio" name="kind" value="profiles" checked={kind === 'profiles'} onChange={() => changeKind('profiles')} />
                Customer profiles
              </label>
            </fieldset>
          )}
          <DropZone file={file} onFile={choose} disabled={busy} kind={kind} />
          {choiceError && <FormError message={choiceError} />}
          {failure && <FormError message={failure.fieldErrors.file?.[0] ?? failure.message} />}
          {kind === 'readings' && (
            <div className="form-grid">
              <Field
                label="Period"
                name="period"
                type="month"
                required
                value={period}
                onChange={(event) => setPeriod(event.target.value)}
                disabled={busy || !readingFields}
                hint={readingFields ? 'The month of a workbook’s readings (by default the month that has just ended).' : 'CSV rows carry their own period.'}
                errors={failure?.fieldErrors.period}
              />
              <Field
                label="Account name (optional)"
                name="accountName"
                value={accountName}
                onChange={(event) => setAccountName(event.target.value)}
                disabled={busy || !readingFields}
                hint="Workbooks only; leave blank to use the workbook’s Company row."
                errors={failure?.fieldErrors.accountName}
                fieldClassName="span-2"
              />
            </div>
          )}
          <UploadProgress state={upload.state} onCancel={upload.cancel} />
          {profiles.isPending && (
            <div className="upload-progress">
              <p className="upload-progress-label">Importing customer profiles…</p>
              <ProgressBar label="Import progress" percent={null} valueText="Importing" size="large" />
            </div>
          )}
          {!busy && (
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={!file}>
                {kind === 'profiles' ? 'Import profiles' : 'Upload'}
              </button>
            </div>
          )}
        </form>
      </Card>
      {report && (
        <Card title={`Report: ${file?.name ?? 'upload'}`} className="report-card" focusTitle>
          <UploadReportView
            report={report}
            profileAction={
              isAdmin && file ? (
                <div className="form-actions">
                  <button type="button" className="button button-primary" onClick={() => importProfiles(file)}>
                    Import as customer profiles
                  </button>
                </div>
              ) : (
                <p className="cell-muted">Ask an admin to import it as customer profiles.</p>
              )
            }
          />
        </Card>
      )}
      {profiles.data && (
        <Card title={`Profiles: ${file?.name ?? 'upload'}`} className="report-card" focusTitle>
          <div className="upload-report">
            <ProfileResult result={profiles.data} />
          </div>
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
  const session = useSignedInSession();
  return (
    <Page
      title="Upload"
      description="Import KPI workbooks and CSV files; Pulse scores every reading and recomputes health. Admins also import customer-profile workbooks here."
    >
      <UploadForm isAdmin={session.user.role === 'admin'} />
      <UploadHistory />
    </Page>
  );
}
