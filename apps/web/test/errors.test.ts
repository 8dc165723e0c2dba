import { describe, expect, it } from 'vitest';
import { errorMessage, formErrors } from '../src/errors.js';

describe('errorMessage', () => {
  it("keeps the API's sentences", () => {
    expect(errorMessage({ message: 'Account not found.', data: { code: 'NOT_FOUND' } })).toBe('Account not found.');
    expect(errorMessage({ message: 'Too many failed sign-in attempts. Try again in 15 minutes.', data: { code: 'TOO_MANY_REQUESTS' } })).toBe(
      'Too many failed sign-in attempts. Try again in 15 minutes.',
    );
  });

  it('turns a bare code or an internal text into a sentence', () => {
    expect(errorMessage({ message: 'PAYLOAD_TOO_LARGE', data: { code: 'PAYLOAD_TOO_LARGE' } })).toBe(
      'The file is larger than Pulse takes in one upload (128 MB for a CSV file, 16 MB for a workbook). Split it into smaller files.',
    );
    expect(errorMessage({ message: 'Internal server error', data: { code: 'INTERNAL_SERVER_ERROR' } })).toMatch(/^Something went wrong in Pulse\./);
    expect(errorMessage({ message: 'Failed with BAD_GATEWAY.', data: { code: 'BAD_GATEWAY' } })).toMatch(/^Something went wrong\. Try again/);
  });

  it('says Pulse could not be reached when no tRPC answer came', () => {
    expect(errorMessage({ message: 'Failed to fetch', data: null })).toBe('Pulse could not be reached. Check your connection and try again.');
  });
});

describe('formErrors', () => {
  it('points to the fields when the server names them', () => {
    expect(
      formErrors({ message: 'Some fields are not valid.', data: { code: 'BAD_REQUEST', fieldErrors: { 'tiers.healthy': ['Enter 100 or less.'] } } }),
    ).toEqual({
      message: 'Please correct the highlighted fields.',
      fieldErrors: { 'tiers.healthy': ['Enter 100 or less.'] },
    });
  });
});
