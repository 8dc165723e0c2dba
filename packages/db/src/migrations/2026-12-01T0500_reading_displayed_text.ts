import { sql, type Kysely } from 'kysely';

/**
 * A workbook's numeric cell is stored as its exact number (raw); displayed keeps the text the
 * spreadsheet showed for it when that reads as another number (3.85 shown as "3.9"), so the
 * readings table can show both. Null for CSV readings and whenever the two agree.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE kpi_readings ADD COLUMN displayed text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE kpi_readings DROP COLUMN displayed`.execute(db);
}
