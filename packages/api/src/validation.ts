import { z } from 'zod';
import { passwordProblem } from '@pulse/db';
import { badRequest } from './errors.js';
import { textLimits } from './limits.js';

/** Shared input pieces; every procedure input is a strict object built from these. */

export const email = z.string().trim().toLowerCase().max(textLimits.email).pipe(z.email({ message: 'Enter a valid email address.' }));

export const password = z.string().superRefine((p, ctx) => {
  const problem = passwordProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const name = (max: number = textLimits.name) => z.string().trim().min(1, { message: 'Required.' }).max(max);

export const uuid = z.uuid({ message: 'Not a valid id.' });

export const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Use the form YYYY-MM.' });

export const pageInput = {
  limit: z.number().int().min(1).max(100).default(50),
  cursor: z.string().max(1000).nullish(),
  /** Sent by tRPC's infinite queries; lists only page forward. */
  direction: z.literal('forward').optional(),
};

export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** The `file` part of a multipart upload, checked for presence and the 16 MB limit. */
export function uploadedFile(form: FormData): File {
  const file = form.get('file');
  if (!(file instanceof File)) throw badRequest('Attach the file to upload.', { file: ['Required.'] });
  if (file.size > MAX_UPLOAD_BYTES) throw badRequest('The file is larger than 16 MB.', { file: ['The file is larger than 16 MB.'] });
  return file;
}
