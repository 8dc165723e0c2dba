import type { ReactNode } from 'react';
import { DASH, formatCount, formatPeriod } from '../format.js';
import { Link } from '@tanstack/react-router';
import type { UploadReport } from '../upload.js';

/** The problems that rejected a file, each with its sheet, row and column. */
export function ProblemsTable({ problems }: { problems: UploadReport['problems'] }) {
  return (
    <>
      <div className="notice notice-danger" role="alert">
        <strong>The file was rejected; nothing was imported.</strong> Fix {problems.length === 1 ? 'this problem' : `these ${problems.length} problems`} in the
        file and upload it again.
      </div>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Problems found in the file</caption>
          <thead>
            <tr>
              <th scope="col">Sheet</th>
              <th scope="col" className="numeric">
                Row
              </th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((problem, i) => (
              <tr key={`${problem.sheet}-${problem.row}-${problem.column}-${i}`}>
                <td>{problem.sheet ?? DASH}</td>
                <td className="numeric">{problem.row ?? DASH}</td>
                <td>{problem.column ?? DASH}</td>
                <td className="cell-wrap">{problem.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Imported({ report }: { report: UploadReport }) {
  const { counts } = report;
  const stats: [string, number][] = [
    ['Readings', counts.readings],
    ['Scored', counts.scored],
    ['Unknown', counts.unknown],
    ['Warnings', counts.warnings],
    ['Accounts created', counts.accountsCreated],
  ];
  return (
    <>
      <div className="notice notice-success" role="status">
        <strong>Imported.</strong> {formatCount(counts.readings)} readings for {formatCount(report.accounts.length)}{' '}
        {report.accounts.length === 1 ? 'account' : 'accounts'}; health has been recomputed.
      </div>
      <dl className="stat-row">
        {stats.map(([label, value]) => (
          <div key={label} className="stat">
            <dt>{label}</dt>
            <dd>{formatCount(value)}</dd>
          </div>
        ))}
      </dl>
      <h3 className="subsection-title">Accounts and versions</h3>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Account periods this upload replaced, with their new version</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Period</th>
              <th scope="col" className="numeric">
                Version
              </th>
              <th scope="col" className="numeric">
                Readings
              </th>
            </tr>
          </thead>
          <tbody>
            {report.versions.map((version) => (
              <tr key={`${version.accountId}-${version.period}`}>
                <td className="cell-wrap">
                  <Link to="/accounts/$accountId" params={{ accountId: version.accountId }}>
                    {version.account}
                  </Link>
                  {report.accounts.find((account) => account.id === version.accountId)?.created && <span className="cell-sub">New account</span>}
                </td>
                <td>{formatPeriod(version.period)}</td>
                <td className="numeric">{version.version}</td>
                <td className="numeric">{formatCount(version.readings)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3 className="subsection-title">Warnings</h3>
      {report.warnings.length === 0 ? (
        <p className="cell-muted">None: every reading was read as expected.</p>
      ) : (
        <>
          {counts.warnings > report.warnings.length && (
            <p className="cell-muted">
              The first {formatCount(report.warnings.length)} of {formatCount(counts.warnings)} warnings.
            </p>
          )}
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Readings imported with a warning</caption>
              <thead>
                <tr>
                  <th scope="col">Sheet</th>
                  <th scope="col" className="numeric">
                    Row
                  </th>
                  <th scope="col">Column</th>
                  <th scope="col">Account</th>
                  <th scope="col">KPI</th>
                  <th scope="col">Warning</th>
                </tr>
              </thead>
              <tbody>
                {report.warnings.map((warning, i) => (
                  <tr key={`${warning.sheet}-${warning.row}-${i}`}>
                    <td>{warning.sheet ?? DASH}</td>
                    <td className="numeric">{warning.row}</td>
                    <td>{warning.column ?? DASH}</td>
                    <td className="cell-wrap">{warning.account}</td>
                    <td className="cell-wrap">{warning.kpi}</td>
                    <td className="cell-wrap">
                      {warning.message}
                      {warning.code === 'unit_mismatch' && (
                        <span className="cell-sub">
                          Correct the cell and upload the file again, or, if the value is right, check the unit {warning.kpi} is measured in under{' '}
                          <Link to="/ranges">Ranges</Link>.
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

/**
 * What an import did: the problems to fix when rejected, else counts, versions and warnings.
 * A customer-profile workbook sent as KPI readings gets `profileAction` (what to do instead).
 */
export function UploadReportView({ report, profileAction }: { report: UploadReport; profileAction?: ReactNode }) {
  if (report.customerProfiles) {
    return (
      <div className="upload-report">
        <div className="notice notice-info" role="status">
          <strong>This is a customer-profile workbook, not KPI readings.</strong> Nothing was imported.
        </div>
        {profileAction}
      </div>
    );
  }
  return <div className="upload-report">{report.status === 'rejected' ? <ProblemsTable problems={report.problems} /> : <Imported report={report} />}</div>;
}
