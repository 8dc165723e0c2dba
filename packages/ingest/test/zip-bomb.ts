import zlib from 'node:zlib';

/** One zip entry, already deflated, with the sizes its headers declare. */
interface Entry {
  name: string;
  deflated: Buffer;
  crc: number;
  size: number;
}

function deflated(name: string, text: string): Entry {
  const data = Buffer.from(text);
  return { name, deflated: zlib.deflateRawSync(data), crc: zlib.crc32(data), size: data.length };
}

const MB = 1024 * 1024;

/**
 * `megabytes` MB of one repeated byte as a raw deflate stream, built without holding the
 * inflated data: 1 MB is deflated once with a full flush (a self-contained run of blocks
 * that ends on a byte boundary), repeated, and closed with an empty final block (03 00).
 * About 1 KB per MB, the ratio deflate allows at most.
 */
function repeatedBytes(name: string, megabytes: number): Entry {
  const chunk = Buffer.alloc(MB, 'a');
  const segment = zlib.deflateRawSync(chunk, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let i = 0; i < megabytes; i++) crc = zlib.crc32(chunk, crc);
  return { name, deflated: Buffer.concat([...Array.from({ length: megabytes }, () => segment), Buffer.from([0x03, 0x00])]), crc, size: megabytes * MB };
}

/** A zip file of deflated entries; declaredSize, when given, replaces every entry's real uncompressed size in the headers. */
function zip(entries: Entry[], declaredSize?: (entry: Entry) => number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const size = declaredSize ? declaredSize(entry) : entry.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(entry.crc >>> 0, 16);
    central.writeUInt32LE(entry.deflated.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.deflated);
    centrals.push(central, name);
    offset += local.length + name.length + entry.deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * An .xlsx zip bomb: the parts every workbook has, and a sheet of `megabytes` MB of repeated
 * bytes that fits in about 1 KB per MB. With lie, the headers declare the sheet as 1 KB.
 */
export function zipBombWorkbook(megabytes: number, { lie = false } = {}): Buffer {
  const sheet = 'xl/worksheets/sheet1.xml';
  return zip(
    [
      deflated('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
      deflated('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'),
      repeatedBytes(sheet, megabytes),
    ],
    lie ? (entry) => (entry.name === sheet ? 1024 : entry.size) : undefined,
  );
}

/** A small zip of text files. */
export function zipOf(files: Record<string, string>): Buffer {
  return zip(Object.entries(files).map(([name, text]) => deflated(name, text)));
}
