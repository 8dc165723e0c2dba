import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from '@pulse/api';
import { HttpClient, PASSWORD, registerTenant, useTestServer } from './harness.js';

/**
 * Every procedure of the router (enumerated, so new ones are covered without editing this
 * file) gets its input with hostile values, one field at a time, over HTTP as a signed-in
 * admin: deep nesting, huge numbers, year 0, NUL bytes. Nothing may answer 500.
 */
const app = useTestServer();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface JsonSchema {
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  enum?: Json[];
  const?: Json;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
}

interface Procedure {
  _def: { type: 'query' | 'mutation'; inputs: z.ZodType[] };
}
const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures);

/** Text that fits common patterns; free text is unique per call so names never collide. */
const textCandidates = () => ['2026-01-15', '2026-01-15T09:30:00.000Z', '2026-01', `Hostile ${randomUUID().slice(0, 8)}`];

/** A valid-looking value for a JSON schema; ids come from `ids` by field name where the test made real rows. */
function sample(schema: JsonSchema, key: string, ids: Record<string, string>): Json | undefined {
  const option = schema.anyOf ?? schema.oneOf;
  if (option) return sample(option.find((s) => s.type !== 'null') ?? option[0] ?? {}, key, ids);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0] ?? null;
  switch (schema.type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) {
        const v = sample(s, k, ids);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => sample(schema.items ?? {}, key, ids) ?? null);
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 1, 1));
    case 'string': {
      if (schema.format === 'uuid') return ids[key] ?? randomUUID();
      if (/email/i.test(key)) return `hostile-${randomUUID().slice(0, 8)}@example.test`;
      if (schema.format === 'date') return '2026-01-15';
      if (schema.format === 'date-time') return '2026-01-15T09:30:00.000Z';
      const fits = (s: string) =>
        (!schema.pattern || new RegExp(schema.pattern).test(s)) && s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);
      return textCandidates().find(fits) ?? 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    default:
      return undefined;
  }
}

/** Every leaf of a sample value, as a path of keys and indexes. */
function leaves(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function replaced(value: Json, path: (string | number)[], by: Json): Json {
  if (path.length === 0) return by;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) }) as Record<string | number, Json>;
  copy[head] = replaced(copy[head] as Json, rest, by);
  return copy;
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const HOSTILE: [string, Json][] = [
  ['huge number', 1e308],
  ['huge negative number', -1e308],
  ['beyond 32-bit integer', 2 ** 31],
  ['beyond safe integer', 2 ** 53 + 2],
  ['year 0 date', '0000-01-01'],
  ['year 0 timestamp', '0000-01-01T00:00:00.000Z'],
  ['year 0 period', '0000-01'],
  ['year 10000 date', '10000-01-01'],
  ['NUL byte', 'a\u0000b'],
  ['deep nesting', JSON.parse(nested(500)) as Json],
];

async function call(client: HttpClient, path: string, type: 'query' | 'mutation', input: unknown) {
  return type === 'query' ? client.query(path, input) : client.mutation(path, input);
}

async function rawCall(client: HttpClient, path: string, type: 'query' | 'mutation', json: string): Promise<Response> {
  const headers: Record<string, string> = { cookie: client.cookie ?? '', 'x-pulse-client': 'web', origin: app.url, 'content-type': 'application/json' };
  if (type === 'query') return fetch(`${app.url}/api/trpc/${path}?input=${encodeURIComponent(json)}`, { headers });
  return fetch(`${app.url}/api/trpc/${path}`, { method: 'POST', headers, body: json });
}

describe('hostile input to every procedure', () => {
  it('the router has procedures to test', () => {
    expect(procedures.length).toBeGreaterThan(40);
  });

  it('no hostile value in any field of any procedure answers 500', { timeout: 600_000 }, async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const account = await admin.mutation<{ id: string }>('accounts.create', { name: 'Target' });
    const member = await admin.mutation<{ id: string }>('users.create', { name: 'Mo', email: 'mo@acme.test', role: 'member', password: PASSWORD });
    const failures: string[] = [];
    for (const [path, procedure] of procedures) {
      // A fresh session for each procedure: logout and password changes end the previous one.
      const client = new HttpClient(app.url);
      expect((await client.mutation('auth.login', { email: 'ada@acme.test', password: PASSWORD })).status).toBe(200);
      const ids = { accountId: account.data.id, id: path.startsWith('users.') ? member.data.id : account.data.id };
      const input = procedure._def.inputs[0];
      const schema = input ? (z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : {};
      for (const leaf of leaves(sample(schema, '', ids) ?? {})) {
        for (const [what, value] of HOSTILE) {
          const res = await call(client, path, procedure._def.type, replaced(sample(schema, '', ids) ?? {}, leaf, value));
          if (res.status >= 500) failures.push(`${path} ${leaf.join('.') || '(input)'} = ${what}: ${res.status} ${res.body.error?.message ?? ''}`);
        }
      }
      const depth = procedure._def.type === 'query' ? 2_000 : 20_000;
      const deep = await rawCall(client, path, procedure._def.type, nested(depth));
      if (deep.status >= 500) failures.push(`${path} input nested ${depth} deep: ${deep.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses JSON nested deeper than 64 levels with 400 and a sentence, before any procedure runs', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    for (const type of ['mutation', 'query'] as const) {
      const path = type === 'mutation' ? 'accounts.create' : 'accounts.list';
      const res = await rawCall(admin, path, type, `{"name":${nested(65)}}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { message: 'The request is nested too deeply (more than 64 levels of brackets).', data: { code: 'BAD_REQUEST', httpStatus: 400 } },
      });
    }
    const batch = await fetch(`${app.url}/api/trpc/accounts.list,accounts.list?batch=1&input=${encodeURIComponent(`{"0":{},"1":${nested(70)}}`)}`, {
      headers: { cookie: admin.cookie ?? '' },
    });
    expect(batch.status).toBe(400);
    // Brackets inside strings are text, not nesting; 64 levels are still accepted.
    expect((await admin.mutation('accounts.create', { name: '['.repeat(150) })).status).toBe(200);
    const deepEnough = await rawCall(admin, 'accounts.create', 'mutation', `{"name":"Deep enough","industry":${nested(63)}}`);
    expect(await deepEnough.json()).toMatchObject({
      error: { message: 'Some fields are not valid.', data: { fieldErrors: { industry: [expect.any(String)] } } },
    });
  });

  it('bounds every date to the years 1900–9999 with a clear message', async () => {
    const admin = await registerTenant(app.url, 'Acme', 'ada@acme.test');
    const message = 'Use a year from 1900 to 9999.';
    const early = await admin.mutation('accounts.create', { name: 'Old', renewalDate: '1899-12-31' });
    expect(early.status).toBe(400);
    expect(early.body.error?.data.fieldErrors).toEqual({ renewalDate: [message] });
    expect((await admin.mutation('accounts.create', { name: 'Zero', renewalDate: '0000-01-01' })).status).toBe(400);
    expect((await admin.mutation('accounts.create', { name: 'Edge', renewalDate: '1900-01-01' })).status).toBe(200);
    expect((await admin.mutation('accounts.create', { name: 'Far', renewalDate: '9999-12-31' })).status).toBe(200);
    const from = await admin.query('activity.list', { from: '0000-01-01T00:00:00.000Z' });
    expect(from.status).toBe(400);
    expect(from.body.error?.data.fieldErrors).toEqual({ from: [message] });
    expect((await admin.query('health.account', { accountId: randomUUID(), period: '0000-01' })).status).toBe(400);
  });
});
