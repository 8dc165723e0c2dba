import yauzl from 'yauzl';

/** How much a workbook may unpack to before Pulse refuses to open it (a zip bomb). */
export interface ZipLimits {
  /** All entries together, uncompressed. */
  maxUnpackedBytes: number;
  /** Uncompressed over compressed size of one entry larger than RATIO_FLOOR_BYTES. */
  maxRatio: number;
  maxEntries: number;
}

export const ZIP_LIMITS: ZipLimits = { maxUnpackedBytes: 64 * 1024 * 1024, maxRatio: 100, maxEntries: 10_000 };

/** Entries smaller than this unpack to too little to matter, whatever their ratio. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export function isZip(bytes: Buffer): boolean {
  return ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

function openZip(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (error, zip) => (error ? reject(error) : resolve(zip)));
  });
}

/** Calls onEntry for each entry of the central directory in turn; onEntry may stream the entry before the next is read. */
async function eachEntry(zip: yauzl.ZipFile, onEntry: (entry: yauzl.Entry) => Promise<void>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      onEntry(entry).then(
        () => zip.readEntry(),
        (error: unknown) => {
          zip.close();
          reject(error);
        },
      );
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
}

/**
 * A zip's entries as its central directory lists them, without inflating anything; an Error
 * when the bytes are not a readable zip or list more than maxEntries entries.
 */
export async function readZipDirectory(bytes: Buffer, maxEntries = ZIP_LIMITS.maxEntries): Promise<ZipEntryInfo[] | Error> {
  try {
    const zip = await openZip(bytes);
    if (zip.entryCount > maxEntries) {
      zip.close();
      return new Error(`it holds ${zip.entryCount} files; a workbook Pulse reads holds at most ${maxEntries}`);
    }
    const entries: ZipEntryInfo[] = [];
    await eachEntry(zip, (entry) => {
      entries.push({ name: entry.fileName, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize });
      return Promise.resolve();
    });
    return entries;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const MB = 1024 * 1024;
const megabytes = (bytes: number) => `${Math.ceil(bytes / MB)} MB`;

/** Why a workbook with these entries is refused as a zip bomb, or null when its sizes are reasonable. */
export function zipSizeProblem(entries: ZipEntryInfo[], limits: ZipLimits = ZIP_LIMITS): string | null {
  const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
  if (total > limits.maxUnpackedBytes) {
    return `The workbook unpacks to ${megabytes(total)}, more than the ${megabytes(limits.maxUnpackedBytes)} Pulse reads; it was not opened.`;
  }
  const bomb = entries.find((e) => e.uncompressedSize > RATIO_FLOOR_BYTES && e.uncompressedSize > limits.maxRatio * Math.max(e.compressedSize, 1));
  if (bomb) {
    return `The workbook's part '${bomb.name}' is compressed more than ${limits.maxRatio} to 1 (${megabytes(bomb.uncompressedSize)} from ${bomb.compressedSize} bytes), as only a zip bomb is; it was not opened.`;
  }
  return null;
}

/**
 * Inflates every entry without keeping it, to check that none unpacks to more than the
 * central directory says (yauzl stops an entry at the first byte past its declared size), so
 * the size limits above hold for a zip whose directory lies. Returns why not, or null.
 */
export async function verifyZipSizes(bytes: Buffer): Promise<string | null> {
  try {
    const zip = await openZip(bytes);
    await eachEntry(
      zip,
      (entry) =>
        new Promise<void>((resolve, reject) => {
          if (entry.fileName.endsWith('/')) return resolve();
          zip.openReadStream(entry, (error, stream) => {
            if (error) return reject(error);
            stream
              .on('error', reject)
              .on('end', () => resolve())
              .resume();
          });
        }),
    );
    return null;
  } catch (error) {
    return `The workbook's contents do not match its table of contents (${error instanceof Error ? error.message : String(error)}); it was not opened.`;
  }
}
