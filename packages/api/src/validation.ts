import { z } from 'zod';
import { passwordProblem } from '@pulse/db';
import { badRequest } from './errors.js';
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_TEXT, textLimits } from './limits.js';

/** Shared input pieces; every procedure input is a strict object built from these. */

export const email = z.string().trim().toLowerCase().max(textLimits.email).pipe(z.email({ message: 'Enter a valid email address.' }));

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

export const TOO_LARGE = `The file is larger than ${MAX_UPLOAD_TEXT}.`;

/** The `file` part of a multipart upload, checked for presence and the upload limit. */
export function uploadedFile(form: FormData): File {
  const file = form.get('file');
  if (!(file instanceof File)) throw badRequest('Attach the file to upload.', { file: ['Attach the file to upload.'] });
  if (file.size > MAX_UPLOAD_BYTES) throw badRequest(TOO_LARGE, { file: [TOO_LARGE] });
  return file;
}
