import { z } from 'zod';
import { passwordProblem } from '@pulse/db';
import { badRequest } from './errors.js';
import { MAX_CSV_UPLOAD_TEXT, MAX_UPLOAD_BYTES, MAX_UPLOAD_TEXT, textLimits } from './limits.js';

/** Shared input pieces; every procedure input is a strict object built from these. */

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(textLimits.email)
  .pipe(z.email({ message: 'Enter a valid email address.' }));

export const password = z.string().superRefine((p, ctx) => {
  const problem = passwordProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const name = (max: number = textLimits.name) => z.string().trim().min(1, { message: 'Required.' }).max(max);

export const uuid = z.uuid({ message: 'Not a valid id.' });

/**
 * Every date the API accepts (days, timestamps, periods) lies in the years 1900–9999: what
 * PostgreSQL, the scoring periods and every screen can hold. The one bound for all of them.
 */
const YEAR_RANGE = { min: 1900, max: 9999 };

function inYearRange<T extends z.ZodType<string>>(schema: T) {
  return schema.refine(
    (value) => {
      const year = /^(\d{4})-/.exec(value)?.[1];
      // Without a leading year the format check already says what is wrong.
      return year === undefined || (Number(year) >= YEAR_RANGE.min && Number(year) <= YEAR_RANGE.max);
    },
    { message: `Use a year from ${YEAR_RANGE.min} to ${YEAR_RANGE.max}.` },
  );
}

/** A calendar day, YYYY-MM-DD. */
export const isoDate = inYearRange(z.iso.date({ message: 'Use the form YYYY-MM-DD.' }));

/** An ISO 8601 timestamp with a time zone offset. */
export const isoTimestamp = inYearRange(z.iso.datetime({ offset: true, message: 'Use an ISO 8601 timestamp.' }));

/** A month, YYYY-MM. */
export const period = inYearRange(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Use the form YYYY-MM.' }));

export const pageInput = {
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(1000).nullish(),
  /** Sent by tRPC's infinite queries; lists only page forward. */
  direction: z.literal('forward').optional(),
};

export const WORKBOOK_TOO_LARGE = `The file is larger than ${MAX_UPLOAD_TEXT}.`;
export const CSV_TOO_LARGE = `The CSV file is larger than ${MAX_CSV_UPLOAD_TEXT}, the most Pulse takes in one upload: split it into smaller files.`;

/** The `file` part of a multipart upload, checked for presence and the 16 MB limit. */
const uploadFields = z.strictObject({
  // Not checked here: a bad period is a structural problem, so the import rejects the
  // upload with a report that names it (spec 2.3) instead of failing the request.
  period: z.string().trim().max(100, 'Write the period as a month, YYYY-MM.').optional(),
  accountName: z.string().trim().min(1).max(200, 'An account name has at most 200 characters.').optional(),
  createAccounts: z.enum(['true', 'false'], { message: 'Say true or false for creating accounts.' }).optional(),
});

/** An upload form (multipart/form-data): file, period (YYYY-MM, workbooks), accountName (workbooks), createAccounts. */
export interface UploadForm {
  file: File;
  period: string | null;
  accountName: string | null;
  createAccounts: boolean;
}

/** The fields of an upload other than the file, empty ones absent: a bad field is a BAD_REQUEST naming it. */
function checkedUploadFields(given: Record<string, string>): Omit<UploadForm, 'file'> {
  const parsed = uploadFields.safeParse(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    throw badRequest('Invalid upload fields.', z.flattenError(parsed.error).fieldErrors);
  }
  return { period: parsed.data.period ?? null, accountName: parsed.data.accountName ?? null, createAccounts: parsed.data.createAccounts !== 'false' };
}

/** The file and fields of an upload form, checked: a missing or oversized file or a bad field is a BAD_REQUEST naming it. */
export function uploadForm(form: FormData): UploadForm {
  const file = uploadedFile(form);
  const rest: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (key !== 'file' && typeof value === 'string') rest[key] = value;
  }
  return { file, ...checkedUploadFields(rest) };
}

const streamUploadQuery = z.strictObject({ filename: z.string().trim().min(1, 'Name the file: ?filename=readings.csv.').max(255) }).catchall(z.string());

/** The fields of a streamed upload (POST /api/uploads/stream): the filename and the form's other fields. */
export interface StreamUploadQuery extends Omit<UploadForm, 'file'> {
  filename: string;
}

/** The query parameters of a streamed upload, checked like the fields of an upload form. */
export function streamUploadFields(query: Record<string, unknown>): StreamUploadQuery {
  const parsed = streamUploadQuery.safeParse(query);
  if (!parsed.success) throw badRequest('Invalid upload fields.', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  const { filename, ...rest } = parsed.data;
  return { filename, ...checkedUploadFields(rest) };
}

export function uploadedFile(form: FormData): File {
  const file = form.get('file');
  if (!(file instanceof File)) throw badRequest('Attach the file to upload.', { file: ['Attach the file to upload.'] });
  if (file.size > MAX_UPLOAD_BYTES) throw badRequest(WORKBOOK_TOO_LARGE, { file: [WORKBOOK_TOO_LARGE] });
  return file;
}
