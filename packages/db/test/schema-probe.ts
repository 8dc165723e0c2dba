import type { Selectable } from 'kysely';
import type { Database } from '../src/schema.js';

/** What a select of every column of each table returns, as schema.ts declares it; read by schema.test.ts through the TypeScript checker. */
export type Selected = { [T in keyof Database]: Selectable<Database[T]> };
