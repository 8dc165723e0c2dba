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
  /**
   * The value to parse: the text of a text cell or CSV field, or a numeric cell's exact number in
   * the unit its format gives (0.93 formatted as a percentage is "93%"); '' when empty.
   */
  raw: string;
  /** The text a spreadsheet shows for a numeric cell when it reads as another number than raw (3.85 shown as "3.9"); else null. */
  displayed: string | null;
  /** null when the upload gives none or an unknown one (counts as Medium when scored). */
  impact: Impact | null;
  weight: number | null;
  source: string | null;
  frequency: string | null;
  product: string | null;
  /** Cell problems that do not reject the upload, such as an impact counted as Medium. */
  warnings: RowWarning[];
}

/** A problem with one cell of a row that is kept: the reading is stored and the report says what was assumed. */
export interface RowWarning {
  /** The column's name as the file writes it ('impact' in a CSV, 'Impact Level' in a workbook). */
  column: string;
  code: 'impact';
  message: string;
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
  /** Set when the file is a customer-profile workbook, which is imported as profiles, not readings. */
  layout?: 'customer_profiles';
}
