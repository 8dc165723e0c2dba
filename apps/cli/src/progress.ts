export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const WIDTH = 28;

/**
 * A text progress bar on stderr. On a terminal it redraws one line in place; elsewhere
 * (pipes, CI logs) it prints a single line when done, so logs are not flooded.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastPercent = -1;
  private finished = false;

  constructor(
    private readonly label: string,
    private total: number | null,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  private line(done: number): string {
    if (this.total === null || this.total <= 0) return `${this.label}  ${formatBytes(done)}`;
    const ratio = Math.min(1, done / this.total);
    const filled = Math.round(ratio * WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    return `${this.label}  [${bar}] ${percent}  ${formatBytes(done)} / ${formatBytes(this.total)}`;
  }

  update(done: number, total?: number | null): void {
    if (total !== undefined) this.total = total;
    if (this.finished || !this.stream.isTTY) return;
    const percent = this.total ? Math.floor((done / this.total) * 100) : -1;
    const now = Date.now();
    if (percent === this.lastPercent && now - this.lastDraw < 100) return;
    this.lastPercent = percent;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[2K${this.line(done)}`);
  }

  finish(done: number): void {
    if (this.finished) return;
    this.finished = true;
    this.stream.write(`${this.stream.isTTY ? '\r\x1b[2K' : ''}${this.line(done)}\n`);
  }

  /** Ends an unfinished bar's line so that an error message starts on its own line. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.stream.isTTY && this.lastDraw > 0) this.stream.write('\n');
  }
}

const CHUNK = 64 * 1024;

/**
 * Wraps fetch so that a FormData body is encoded up front and then streamed to the server
 * in chunks, reporting the bytes handed to the connection as they go. Other requests pass
 * through unchanged.
 */
export function withUploadProgress(base: typeof fetch, onProgress: (sent: number, total: number) => void): typeof fetch {
  return async (input, init) => {
    if (!(init?.body instanceof FormData)) return base(input, init);
    const encoded = new Response(init.body);
    const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const total = bytes.byteLength;
    let offset = 0;
    onProgress(0, total);
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= total) {
            controller.close();
            return;
          }
          const end = Math.min(offset + CHUNK, total);
          controller.enqueue(bytes.slice(offset, end));
          offset = end;
          onProgress(offset, total);
        },
      },
      { highWaterMark: 0 },
    );
    const headers = new Headers(init.headers);
    headers.set('content-type', contentType);
    headers.set('content-length', String(total));
    return base(input, { ...init, headers, body, duplex: 'half' });
  };
}
