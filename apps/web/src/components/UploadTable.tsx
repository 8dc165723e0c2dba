import { uploadFileUrl } from '../download.js';
import { formatBytes, formatDateTime, formatPeriod } from '../format.js';
import type { RouterOutputs } from '../trpc.js';
import { Tag } from './Tag.js';

export type UploadSummary = RouterOutputs['uploads']['list']['items'][number];

export interface UploadTableProps {
  uploads: UploadSummary[];
  caption: string;
  /** Fewer columns, for the dashboard. */
  compact?: boolean;
  /** Offers "View report" for each upload. */
  onShowReport?: (upload: UploadSummary) => void;
}

export function UploadStatus({ status }: { status: UploadSummary['status'] }) {
  return <Tag tone={status === 'accepted' ? 'success' : 'danger'}>{status === 'accepted' ? 'Accepted' : 'Rejected'}</Tag>;
}

/** Uploads with their status and a download link to the original file. */
export function UploadTable({ uploads, caption, compact = false, onShowReport }: UploadTableProps) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Status</th>
            {!compact && <th scope="col">Period</th>}
            {!compact && <th scope="col">Account</th>}
            {!compact && <th scope="col">Uploaded by</th>}
            <th scope="col">When</th>
            {!compact && (
              <th scope="col" className="numeric">
                Size
              </th>
            )}
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {uploads.map((upload) => (
            <tr key={upload.id}>
              <td className="cell-strong cell-wrap">{upload.filename}</td>
              <td>
                <UploadStatus status={upload.status} />
              </td>
              {!compact && <td>{formatPeriod(upload.period)}</td>}
              {!compact && <td className="cell-wrap">{upload.accountName ?? 'Several accounts'}</td>}
              {!compact && <td>{upload.uploadedBy.name}</td>}
              <td className="cell-muted">{formatDateTime(upload.createdAt)}</td>
              {!compact && <td className="numeric cell-muted">{formatBytes(upload.sizeBytes)}</td>}
              <td className="cell-actions">
                {onShowReport && (
                  <button type="button" className="link-button" onClick={() => onShowReport(upload)}>
                    Report<span className="visually-hidden"> of {upload.filename}</span>
                  </button>
                )}
                <a href={uploadFileUrl(upload.id)} download={upload.filename}>
                  Download<span className="visually-hidden"> {upload.filename}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
