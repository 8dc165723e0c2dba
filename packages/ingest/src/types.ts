export type Impact = 'High' | 'Medium' | 'Low';

/** One KPI reading as it appears in an upload, before its value is parsed or scored. */
export interface ImportRow {
  /** 1-based position in the source: the CSV line (the header is line 1) or the sheet row. */
  line: number;
  /** Sheet the row came from; null for CSV. */
  sheet: string | null;
  account: string;
  /** Calendar month, YYYY-MM. */
  period: string;
  category: string;
  kpi: string;
  /** The value as the user sees it (a 0.93 cell formatted as a percentage is "93%"); '' when empty. */
  raw: string;
  /** null when the upload gives none (counts as Medium when scored). */
  impact: Impact | null;
  weight: number | null;
  source: string | null;
  frequency: string | null;
  product: string | null;
}

/** A problem that rejects the whole upload; row and column say where, when that is known. */
export interface StructuralProblem {
  sheet: string | null;
  row: number | null;
  column: string | null;
  message: string;
}

/**
 * rows holds every reading that was read without a problem. A non-empty problems list means
 * the upload must be rejected as a whole.
 */
export interface ParseResult {
  rows: ImportRow[];
  problems: StructuralProblem[];
  /** The account a workbook belongs to; null for CSV, whose rows each name their account. */
  accountName: string | null;
}
