import { open } from 'node:fs/promises';
import { TrunklineError } from '../api/errors.ts';

/**
 * Limits on what an XLSX may inflate to. A real 300k-row deck's sheet is ~60 MB of XML that
 * deflates about 10:1; a zip bomb inflates 1000:1 into gigabytes that the XML reader would hold.
 */
const MAX_ENTRY_BYTES = 1024 * 1024 * 1024;
const MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
const SUSPICIOUS_BYTES = 64 * 1024 * 1024;
const MAX_RATIO = 100;

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

function damaged(label: string, why: string): TrunklineError {
  return new TrunklineError('FILE_UNREADABLE', `${label}: the XLSX file is damaged or truncated (${why})`, { file: label });
}

/**
 * Reads an XLSX's zip directory before any of it is inflated: refuses a truncated file (no
 * directory at its end, where the streaming reader would wait forever for the rest) and a zip
 * bomb (an entry that would inflate past the limits).
 */
export async function checkXlsxZip(path: string, label: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let at = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) throw damaged(label, 'the zip directory at its end is missing');
    const entries = tail.readUInt16LE(at + 10);
    const cdSize = tail.readUInt32LE(at + 12);
    const cdOffset = tail.readUInt32LE(at + 16);
    // A zip64 archive marks these 0xFFFF…; its sizes are checked per entry below only when present.
    if (cdOffset === 0xffffffff || entries === 0xffff) return;
    if (cdOffset + cdSize > size) throw damaged(label, 'the zip directory points past the end of the file');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    let total = 0;
    for (let p = 0, n = 0; n < entries; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw damaged(label, 'its zip directory is broken');
      const compressed = cd.readUInt32LE(p + 20);
      const inflated = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      total += inflated;
      const ratio = inflated / Math.max(1, compressed);
      if (inflated > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES || (inflated > SUSPICIOUS_BYTES && ratio > MAX_RATIO)) {
        throw new TrunklineError(
          'FILE_UNREADABLE',
          `${label}: refused: its part "${name}" would inflate from ${compressed.toLocaleString('en-US')} to ${inflated.toLocaleString('en-US')} bytes (${Math.round(ratio)}:1), which no rate deck needs (a zip bomb?)`,
          { file: label, value: name },
        );
      }
    }
  } finally {
    await fh.close();
  }
}
