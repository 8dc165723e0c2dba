export type { Impact, ImportRow, ParseResult, RowWarning, StructuralProblem } from './types.js';
export { isValidPeriod } from './fields.js';
export { parseCsv } from './csv.js';
export { parseWorkbook } from './workbook.js';
export { parseCustomerProfiles } from './profiles.js';
export type { CustomerProfile, CustomerProfilesResult } from './profiles.js';
export { detectFormat } from './detect.js';
