import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../src/App.js';
import { previousMonth } from '../src/format.js';
import { sendUpload, UPLOAD_ENDPOINT, type UploadReport } from '../src/upload.js';
import { fakeApi, signedIn } from './fake-api.js';

/** XMLHttpRequest stand-in: the test plays the network (progress, end of body, answer). */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  withCredentials = false;
  headers: Record<string, string> = {};
  body: File | null = null;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((event: ProgressEvent) => void) | null; onload: (() => void) | null } = { onprogress: null, onload: null };
  onload: (() => void) | null = null;
  onprogress: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: File) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  sent() {
    this.upload.onload?.();
  }
  /** Lines of the streamed answer, arriving before its end. */
  lines(...lines: unknown[]) {
    this.status = 200;
    this.responseText += lines.map((line) => `${JSON.stringify(line)}\n`).join('');
    this.onprogress?.();
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText += typeof body === 'string' ? body : `${JSON.stringify(body)}${status === 200 ? '\n' : ''}`;
    this.onload?.();
  }
}

function stubXhr() {
  FakeXhr.last = null;
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return () => {
    if (!FakeXhr.last) throw new Error('no request was sent');
    return FakeXhr.last;
  };
}

const emptyReport = {
  problems: [],
  counts: { readings: 0, scored: 0, unknown: 0, warnings: 0, accountsCreated: 0 },
  warnings: [],
  accounts: [],
  versions: [],
};

const rejected: UploadReport = {
  ...emptyReport,
  status: 'rejected',
  format: 'xlsx',
  problems: [
    { sheet: 'KPIs', row: 7, column: 'Value', message: 'Missing value for "NPS".' },
    { sheet: null, row: null, column: 'period', message: 'Period "2026-13" is not a month in the form YYYY-MM.' },
  ],
};

const accepted: UploadReport = {
  status: 'accepted',
  format: 'xlsx',
  problems: [],
  counts: { readings: 16, scored: 14, unknown: 2, warnings: 2, accountsCreated: 1 },
  warnings: [
    {
      sheet: 'KPIs',
      row: 12,
      column: null,
      account: 'Acme Rockets',
      kpi: 'Mystery KPI',
      code: 'unknown_kpi',
      message: 'Unknown KPI "Mystery KPI": not scored.',
    },
    {
      sheet: 'KPIs',
      row: 13,
      column: null,
      account: 'Acme Rockets',
      kpi: 'Churn Rate',
      code: 'unit_mismatch',
      message: '"80" is in count, but Churn Rate is measured in %',
    },
  ],
  accounts: [{ id: 'acc-1', name: 'Acme Rockets', created: true }],
  versions: [{ accountId: 'acc-1', account: 'Acme Rockets', period: '2026-03', version: 2, readings: 16 }],
};

type ProfileAnswer = { status: 'accepted'; created: number; updated: number; products: number } | { status: 'rejected'; problems: UploadReport['problems'] };

function renderUploadPage({ role = 'member', profiles }: { role?: 'admin' | 'member'; profiles?: (file: File) => ProfileAnswer } = {}) {
  fakeApi({
    status: () => signedIn({ role }),
    handlers: {
      uploads: { list: () => ({ items: [], nextCursor: null }) },
      accounts: {
        importProfiles: (input) => {
          if (!profiles) throw new Error('importProfiles was not expected');
          return profiles(input.get('file') as File);
        },
      },
    },
  });
  window.history.replaceState(null, '', '/upload');
  render(<App />);
}

async function chooseAndUpload(name: string) {
  const input = (await screen.findByText('Drop a KPI workbook or CSV file here')).closest('.drop-zone')?.querySelector('input[type=file]') as HTMLInputElement;
  fireEvent.change(input, { target: { files: [new File(['bytes'], name)] } });
  fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
}

/** An error as the server answers it, in tRPC's shape (apps/server/src/refusals.ts, errorShape). */
const trpcError = (code: string, httpStatus: number, message: string, fieldErrors?: Record<string, string[]>) => ({
  error: { message, code: -32000, data: { code, httpStatus, ...(fieldErrors ? { fieldErrors } : {}) } },
});

describe('sendUpload', () => {
  it('posts the file with the fields in the address, the client header and cookies, reporting bytes sent and rows imported', async () => {
    const request = stubXhr();
    const progress: (number | null)[] = [];
    const imported: unknown[] = [];
    const file = new File(['a,b'], 'kpis.xlsx');
    const done = sendUpload(
      { file, period: '2026-03', accountName: ' Acme ' },
      { onProgress: (sent) => progress.push(sent), onImportProgress: (p) => imported.push(p) },
    );
    const xhr = request();
    expect([xhr.method, xhr.url, xhr.withCredentials, xhr.headers['x-pulse-client'], xhr.headers['content-type']]).toEqual([
      'POST',
      `${UPLOAD_ENDPOINT}?filename=kpis.xlsx&period=2026-03&accountName=Acme`,
      true,
      'web',
      'application/octet-stream',
    ]);
    expect(xhr.body).toBe(file);

    xhr.progress(25, 100);
    xhr.upload.onprogress?.({ lengthComputable: false, loaded: 0, total: 0 } as ProgressEvent);
    xhr.lines({ progress: { bytes: 3, rowsParsed: 5000, rowsStored: 5000 } });
    xhr.answer(200, { result: { uploadId: 'u1', report: accepted } });
    expect(await done).toEqual({ uploadId: 'u1', report: accepted });
    expect(progress).toEqual([0.25, null]);
    expect(imported).toEqual([{ bytes: 3, rowsParsed: 5000, rowsStored: 5000 }]);
  });

  it('leaves out blank fields and turns tRPC errors into errors with their data', async () => {
    const request = stubXhr();
    const done = sendUpload({ file: new File(['x'], 'kpis.csv'), period: '', accountName: '  ' });
    const xhr = request();
    expect(xhr.url).toBe(`${UPLOAD_ENDPOINT}?filename=kpis.csv`);
    xhr.answer(400, trpcError('BAD_REQUEST', 400, 'Invalid upload fields.', { accountName: ['Too long.'] }));
    await expect(done).rejects.toMatchObject({ message: 'Invalid upload fields.', data: { code: 'BAD_REQUEST', fieldErrors: { accountName: ['Too long.'] } } });
  });

  it('reads a failure after progress lines from its last line, in the same shape', async () => {
    const request = stubXhr();
    const done = sendUpload({ file: new File(['x'], 'kpis.csv'), period: '', accountName: '' });
    const xhr = request();
    xhr.lines({ progress: { bytes: 1, rowsParsed: 5000, rowsStored: 5000 } });
    xhr.answer(200, trpcError('INTERNAL_SERVER_ERROR', 500, 'The upload failed on the server; nothing was stored. Try again.'));
    await expect(done).rejects.toMatchObject({
      message: 'The upload failed on the server; nothing was stored. Try again.',
      data: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('explains an answer that is not tRPC JSON', async () => {
    const request = stubXhr();
    const done = sendUpload({ file: new File(['x'], 'kpis.csv'), period: '', accountName: '' });
    request().answer(502, '<html>Bad gateway</html>');
    await expect(done).rejects.toThrow('The server answered with status 502 and no readable result.');
    const old = sendUpload({ file: new File(['x'], 'kpis.csv'), period: '', accountName: '' });
    // The answer of a server from before errors came in tRPC's shape is not read as one.
    request().answer(400, { error: 'Invalid upload fields.' });
    await expect(old).rejects.toThrow('The server answered with status 400 and no readable result.');
  });
});

describe('upload screen', () => {
  it('shows a progress bar while sending, then the problems of a rejected file as a table', async () => {
    const request = stubXhr();
    renderUploadPage();
    await chooseAndUpload('kpis.xlsx');

    const xhr = request();
    xhr.progress(40, 100);
    const bar = await screen.findByRole('progressbar', { name: 'Upload progress' });
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(screen.getByText('Uploading 40%')).toBeTruthy();

    xhr.progress(100, 100);
    xhr.sent();
    await screen.findByRole('progressbar', { name: 'Import progress' });
    expect(screen.getByText('Importing and scoring…')).toBeTruthy();
    xhr.lines({ progress: { bytes: 100, rowsParsed: 10_000, rowsStored: 5000 } });
    expect((await screen.findByRole('status')).textContent).toBe('10,000 rows read, 5,000 stored');

    xhr.answer(200, { result: { uploadId: 'u1', report: rejected } });
    const report = await screen.findByRole('region', { name: 'Report: kpis.xlsx' });
    expect(within(report).getByRole('alert').textContent).toContain('The file was rejected; nothing was imported.');
    const rows = within(report)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(rows).toEqual([
      ['KPIs', '7', 'Value', 'Missing value for "NPS".'],
      ['—', '—', 'period', 'Period "2026-13" is not a month in the form YYYY-MM.'],
    ]);
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows the counts, versions and warnings of an accepted file', async () => {
    const request = stubXhr();
    renderUploadPage();
    await chooseAndUpload('kpis.xlsx');
    request().answer(200, { result: { uploadId: 'u2', report: accepted } });

    const report = await screen.findByRole('region', { name: 'Report: kpis.xlsx' });
    const stats = Object.fromEntries(
      [...report.querySelectorAll('.stat')].map((stat): [string, string] => [
        stat.querySelector('dt')?.textContent ?? '',
        stat.querySelector('dd')?.textContent ?? '',
      ]),
    );
    expect(stats).toEqual({ Readings: '16', Scored: '14', Unknown: '2', Warnings: '2', 'Accounts created': '1' });
    expect(document.activeElement).toBe(within(report).getByRole('heading', { name: 'Report: kpis.xlsx' }));
    expect(within(report).getByRole('link', { name: 'Acme Rockets' }).getAttribute('href')).toBe('/accounts/acc-1');
    expect(within(report).getByText('New account')).toBeTruthy();
    expect(within(report).getByRole('table', { name: /Account periods/ }).textContent).toContain('Mar 2026');
    const warnings = within(report).getByRole('table', { name: 'Readings imported with a warning' });
    expect(warnings.textContent).toContain('Unknown KPI "Mystery KPI": not scored.');
    const mismatch = within(warnings).getByRole('row', { name: /Churn Rate is measured in %/ });
    expect(mismatch.textContent).toContain(
      'Correct the cell and upload the file again, or, if the value is right, check the unit Churn Rate is measured in under Ranges.',
    );
    expect(within(mismatch).getByRole('link', { name: 'Ranges' }).getAttribute('href')).toBe('/ranges');
    expect(within(warnings).getAllByRole('link')).toHaveLength(1);
  });

  it('shows the server message when the upload fails, and refuses other file types', async () => {
    const request = stubXhr();
    renderUploadPage();
    await chooseAndUpload('kpis.csv');
    request().answer(
      413,
      trpcError('PAYLOAD_TOO_LARGE', 413, 'The CSV file is larger than 128 MB, the most Pulse takes in one upload: split it into smaller files.'),
    );
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The CSV file is larger than 128 MB, the most Pulse takes in one upload: split it into smaller files.',
    );

    const input = document.querySelector('input[type=file]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File(['x'], 'notes.pdf')] } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Choose an .xlsx workbook or a .csv file.'));
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Upload' }).disabled).toBe(true);
  });

  it('defaults the period to the month that has just ended', async () => {
    stubXhr();
    renderUploadPage();
    const period = await screen.findByLabelText<HTMLInputElement>('Period');
    expect(period.value).toBe(previousMonth());
    expect(previousMonth(new Date(2026, 0, 15))).toBe('2025-12');
    expect(previousMonth(new Date(2026, 6, 31))).toBe('2026-06');
  });

  it('refuses a file over the limit before sending anything, in a sentence', async () => {
    const request = stubXhr();
    renderUploadPage();
    const input = (await screen.findByText('Drop a KPI workbook or CSV file here'))
      .closest('.drop-zone')
      ?.querySelector('input[type=file]') as HTMLInputElement;
    const big = new File(['x'], 'big.xlsx');
    Object.defineProperty(big, 'size', { value: 30 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [big] } });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'big.xlsx is 30 MB, but Pulse takes at most 16 MB in one upload of this kind. Split it into smaller files and upload each.',
    );
    const bigCsv = new File(['x'], 'big.csv');
    Object.defineProperty(bigCsv, 'size', { value: 130 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [bigCsv] } });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'big.csv is 130 MB, but Pulse takes at most 128 MB in one upload of this kind. Split it into smaller files and upload each.',
      ),
    );
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Upload' }).disabled).toBe(true);
    expect(request).toThrow('no request was sent');
  });

  it('shows the sentences of a refusal of the fields or of the session', async () => {
    const request = stubXhr();
    renderUploadPage();
    await chooseAndUpload('kpis.csv');
    request().answer(400, trpcError('BAD_REQUEST', 400, 'Invalid upload fields.', { period: ['Use the form YYYY-MM.'] }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please correct the highlighted fields.');
    expect(screen.getByText('Use the form YYYY-MM.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Upload' }));
    // A refused session ends it: the sign-in page says why, in a sentence.
    request().answer(401, trpcError('UNAUTHORIZED', 401, 'Please sign in.'));
    expect(await screen.findByText('Your session ended, please sign in again.')).toBeTruthy();
  });

  it('shows a sentence, never the code, when the server refuses the size', async () => {
    const request = stubXhr();
    renderUploadPage();
    await chooseAndUpload('kpis.csv');
    request().answer(413, '<html>Request Entity Too Large</html>');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The file is larger than Pulse takes in one upload (128 MB for a CSV file, 16 MB for a workbook). Split it into smaller files.',
    );
  });

  it('lets an admin import a customer-profile workbook and shows its per-cell report', async () => {
    stubXhr();
    const received: string[] = [];
    renderUploadPage({
      role: 'admin',
      profiles: (file) => {
        received.push(file.name);
        return {
          status: 'rejected',
          problems: [{ sheet: 'Customer Profile Input', row: 4, column: 'Account Tier', message: "'Platinum' is not one of the Account Tier options." }],
        };
      },
    });
    fireEvent.click(await screen.findByRole('radio', { name: 'Customer profiles' }));
    const input = (await screen.findByText('Drop a customer-profile workbook here'))
      .closest('.drop-zone')
      ?.querySelector('input[type=file]') as HTMLInputElement;
    expect(screen.queryByLabelText('Period')).toBeNull();
    fireEvent.change(input, { target: { files: [new File(['x'], 'profiles.csv')] } });
    expect((await screen.findByRole('alert')).textContent).toBe('Customer profiles come in an .xlsx workbook: choose one.');
    fireEvent.change(input, { target: { files: [new File(['x'], 'profiles.xlsx')] } });
    fireEvent.click(screen.getByRole('button', { name: 'Import profiles' }));
    const report = await screen.findByRole('region', { name: 'Profiles: profiles.xlsx' });
    const rows = within(report)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(rows).toEqual([['Customer Profile Input', '4', 'Account Tier', "'Platinum' is not one of the Account Tier options."]]);
    expect(received).toEqual(['profiles.xlsx']);
  });

  it('recognises a profile workbook sent as KPI readings: an admin imports it as profiles in one click', async () => {
    const request = stubXhr();
    renderUploadPage({ role: 'admin', profiles: () => ({ status: 'accepted', created: 3, updated: 1, products: 5 }) });
    await chooseAndUpload('customer-profile.xlsx');
    const recognised: UploadReport = {
      ...rejected,
      customerProfiles: true,
      problems: [{ sheet: 'Customer Profile Input', row: null, column: null, message: 'This is a customer-profile workbook.' }],
    };
    request().answer(200, { result: { uploadId: 'u3', report: recognised } });
    const report = await screen.findByRole('region', { name: 'Report: customer-profile.xlsx' });
    expect(within(report).getByRole('status').textContent).toContain('This is a customer-profile workbook, not KPI readings.');
    fireEvent.click(within(report).getByRole('button', { name: 'Import as customer profiles' }));
    const done = await screen.findByRole('region', { name: 'Profiles: customer-profile.xlsx' });
    expect(within(done).getByRole('status').textContent).toBe('Customer profiles imported. 3 accounts created, 1 updated, 5 products recorded.');
  });

  it('tells a member to ask an admin when the file is a profile workbook', async () => {
    const request = stubXhr();
    renderUploadPage();
    expect(screen.queryByRole('radio', { name: 'Customer profiles' })).toBeNull();
    await chooseAndUpload('customer-profile.xlsx');
    request().answer(200, { result: { uploadId: 'u4', report: { ...rejected, customerProfiles: true } } });
    const report = await screen.findByRole('region', { name: 'Report: customer-profile.xlsx' });
    expect(within(report).getByText('Ask an admin to import it as customer profiles.')).toBeTruthy();
    expect(within(report).queryByRole('button')).toBeNull();
  });
});
