import { isZip, readZipDirectory, zipSizeProblem, ZIP_LIMITS, type ZipLimits } from './zip.js';

const SNIFF_BYTES = 8192;

export type UploadFormat = 'csv' | 'xlsx';

/**
 * What an upload holds, judged by its content: the parser it needs, and, when it must be
 * refused before parsing (and its bytes not kept), why, as a sentence.
 */
export type Detection = { format: UploadFormat; refusal: null } | { format: UploadFormat | null; refusal: string };

/** Non-empty, no NUL bytes anywhere and valid UTF-8 in the first few kilobytes. */
export function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0 || bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, SNIFF_BYTES), { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Whether a file is named as CSV (.csv, in any case). */
export function isCsvName(filename: string): boolean {
  return filename.trim().toLowerCase().endsWith('.csv');
}

/** The part every .xlsx workbook has (Office Open XML spreadsheet). */
const WORKBOOK_PART = 'xl/workbook.xml';

const UNSUPPORTED = 'Unsupported file type: upload an .xlsx workbook or a .csv file.';

/**
 * Decides by content which parser an upload needs. An .xlsx workbook is a zip whose central
 * directory lists xl/workbook.xml, whatever the file is called; it is refused when it would
 * unpack to more than the limits allow (read from the directory, nothing is inflated). A
 * CSV file must be named .csv and be UTF-8 text without NUL bytes: other text (.txt, .js,
 * .html) is not read as CSV. Anything else is refused.
 */
export async function inspectUpload(filename: string, bytes: Buffer, limits: ZipLimits = ZIP_LIMITS): Promise<Detection> {
  if (bytes.length === 0) return { format: null, refusal: 'The file is empty.' };
  if (isZip(bytes)) {
    const entries = await readZipDirectory(bytes, limits.maxEntries);
    if (entries instanceof Error) return { format: null, refusal: `The file is not a readable .xlsx workbook: ${entries.message}.` };
    if (!entries.some((e) => e.name === WORKBOOK_PART)) return { format: null, refusal: `${UNSUPPORTED} This zip file is not an Excel workbook.` };
    const tooLarge = zipSizeProblem(entries, limits);
    return tooLarge === null ? { format: 'xlsx', refusal: null } : { format: 'xlsx', refusal: tooLarge };
  }
  const namedCsv = isCsvName(filename);
  if (namedCsv && bytes.includes(0)) return { format: null, refusal: 'The file is not a text file: it contains NUL bytes.' };
  if (namedCsv && looksLikeText(bytes)) return { format: 'csv', refusal: null };
  if (namedCsv) return { format: null, refusal: 'The file is not a UTF-8 text file: save the CSV as UTF-8 and upload it again.' };
  if (looksLikeText(bytes)) return { format: null, refusal: `${UNSUPPORTED} Only files named .csv are read as CSV.` };
  return { format: null, refusal: UNSUPPORTED };
}
