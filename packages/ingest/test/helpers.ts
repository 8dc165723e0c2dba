import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

export const SAMPLES = fileURLToPath(new URL('../../db/seed/samples/', import.meta.url));

export function sample(name: string): Buffer {
  return fs.readFileSync(SAMPLES + name);
}

export async function toBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Loads a sample workbook, lets the test change it, and returns the changed file. */
export async function editSample(name: string, edit: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(sample(name) as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  edit(workbook);
  return toBuffer(workbook);
}

/** Builds a workbook from sheets given as rows of cell values. */
export async function buildWorkbook(sheets: Record<string, unknown[][]>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) workbook.addWorksheet(name).addRows(rows);
  return toBuffer(workbook);
}

export const CATEGORY_HEADER = ['Health Score Component', 'Weight (%)', 'Data', 'Source Review', 'KPI/Parameter', 'Impact Level', 'Measurement Frequency'];
