import { sql, type Kysely } from 'kysely';
import { paginate, type KeyPart, type Page, type PageRequest } from '../pagination.js';
import type { Database, ImpactLevel, ReadingStatus } from '../schema.js';

type Q = Kysely<Database>;

export interface NewSentimentEntry {
  accountId: string;
  period: string;
  value: number;
  previousValue: number | null;
  comment: string;
  setBy: string;
}

export interface SentimentEntryRow {
  id: string;
  account_id: string;
  period: string;
  value: number;
  previous_value: number | null;
  comment: string;
  set_by: string;
  set_by_name: string;
  set_at: Date;
}

/** The reading a sentiment entry stands for, scored by the caller with the one algorithm. */
export interface SentimentReading {
  accountId: string;
  period: string;
  sentimentId: string;
  category: string;
  kpiName: string;
  kpiKey: string;
  raw: string;
  value: number | null;
  unit: string | null;
  status: ReadingStatus;
  score: number | null;
  impact: ImpactLevel;
  warning: string | null;
}

function entriesQuery(db: Q, tenantId: string) {
  return db
    .selectFrom('sentiment_entries')
    .innerJoin('users', (j) => j.onRef('users.tenant_id', '=', 'sentiment_entries.tenant_id').onRef('users.id', '=', 'sentiment_entries.set_by'))
    .select([
      'sentiment_entries.id',
      'sentiment_entries.account_id',
      'sentiment_entries.period',
      'sentiment_entries.value',
      'sentiment_entries.previous_value',
      'sentiment_entries.comment',
      'sentiment_entries.set_by',
      'users.name as set_by_name',
      'sentiment_entries.set_at',
    ])
    .where('sentiment_entries.tenant_id', '=', tenantId);
}

/** The account's current sentiment for a period (its newest entry), or null. */
export async function currentSentiment(db: Q, tenantId: string, accountId: string, period: string): Promise<number | null> {
  const row = await db
    .selectFrom('sentiment_entries')
    .select('sentiment_entries.value')
    .where('sentiment_entries.tenant_id', '=', tenantId)
    .where('sentiment_entries.account_id', '=', accountId)
    .where('sentiment_entries.period', '=', period)
    .orderBy('sentiment_entries.set_at', 'desc')
    .orderBy('sentiment_entries.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.value ?? null;
}

export async function insertSentimentEntry(db: Q, tenantId: string, entry: NewSentimentEntry): Promise<SentimentEntryRow> {
  const { id } = await db
    .insertInto('sentiment_entries')
    .values({
      tenant_id: tenantId,
      account_id: entry.accountId,
      period: entry.period,
      value: entry.value,
      previous_value: entry.previousValue,
      comment: entry.comment,
      set_by: entry.setBy,
    })
    .returning('sentiment_entries.id')
    .executeTakeFirstOrThrow();
  return entriesQuery(db, tenantId).where('sentiment_entries.id', '=', id).executeTakeFirstOrThrow();
}

/** Makes `reading` the one sentiment reading of its account and period (uploaded readings are left alone). */
export async function replaceSentimentReading(db: Q, tenantId: string, reading: SentimentReading): Promise<void> {
  await db
    .deleteFrom('kpi_readings')
    .where('kpi_readings.tenant_id', '=', tenantId)
    .where('kpi_readings.account_id', '=', reading.accountId)
    .where('kpi_readings.period', '=', reading.period)
    .where('kpi_readings.sentiment_id', 'is not', null)
    .execute();
  await db
    .insertInto('kpi_readings')
    .values({
      tenant_id: tenantId,
      account_id: reading.accountId,
      product_id: null,
      upload_id: null,
      sentiment_id: reading.sentimentId,
      period: reading.period,
      category: reading.category,
      kpi_name: reading.kpiName,
      kpi_key: reading.kpiKey,
      raw: reading.raw,
      value: reading.value,
      unit: reading.unit,
      status: reading.status,
      score: reading.score,
      impact: reading.impact,
      source: 'Manager sentiment',
      warning: reading.warning,
    })
    .execute();
}

const newestFirst: KeyPart<SentimentEntryRow>[] = [
  { column: sql.ref('sentiment_entries.set_at'), value: (r) => r.set_at.toISOString(), direction: 'desc' },
  { column: sql.ref('sentiment_entries.id'), value: (r) => r.id, direction: 'desc' },
];

/** Every sentiment entry of an account, newest first. */
export function listSentimentEntries(db: Q, tenantId: string, accountId: string, page: PageRequest): Promise<Page<SentimentEntryRow>> {
  return paginate(entriesQuery(db, tenantId).where('sentiment_entries.account_id', '=', accountId), newestFirst, page);
}
