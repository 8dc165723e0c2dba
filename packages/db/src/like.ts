/** A LIKE pattern matching `text` literally: backslash (the default escape), % and _ escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
