const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const SNIFF_BYTES = 8192;

function isZip(bytes: Buffer): boolean {
  return ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Non-empty, no NUL bytes and valid UTF-8 in the first few kilobytes. */
function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Which parser an upload needs: 'xlsx' for a zip file (the .xlsx container), 'csv' for a file
 * named .csv or whose content is text, null for anything else.
 */
export function detectFormat(filename: string, bytes: Buffer): 'csv' | 'xlsx' | null {
  if (isZip(bytes)) return 'xlsx';
  if (filename.trim().toLowerCase().endsWith('.csv')) return 'csv';
  return looksLikeText(bytes) ? 'csv' : null;
}
