/** Saves text made in the browser (a report, a CSV export) as a file through a temporary object URL. */
export function saveFile(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Where the server sends an upload's original file (cookie auth, attachment). */
export function uploadFileUrl(uploadId: string): string {
  return `/api/uploads/${encodeURIComponent(uploadId)}/file`;
}
