import { createWriteStream, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { crc32, createDeflateRaw } from 'node:zlib';
import { baseDeck, writeDeckXlsx } from '../../../bench/generate.ts';
import type { BadFile } from '../../../fixtures/bad/corpus.ts';

const DECK_HEAD = 'Prefix,Destination,Rate,Effective Date,Billing Increment';
const GOOD = '44,United Kingdom,0.0065,2026-11-01,60/60\n447,United Kingdom - Mobile,0.0150,2026-11-01,60/60\n';
const AST = '"acme-in","+441632960100","+447700900123","from-trunk","","SIP/a-1","SIP/b-2","Dial","SIP/b/x","2026-11-02 09:15:02","2026-11-02 09:15:02","2026-11-02 09:17:07",125,125,"ANSWERED","DOCUMENTATION","1.1","","vendorx"\n';

async function writeHugeLine(path: string, head: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string | Buffer) => new Promise<void>((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
  await write(head);
  const chunk = Buffer.from('1,'.repeat(1 << 19));
  for (let n = 0; n < bytes; n += chunk.length) await write(chunk);
  await new Promise<void>((resolve) => out.end('\n', () => resolve()));
}

/** Deflates `size` bytes of one repeated pattern, streamed: returns the compressed bytes and the CRC. */
async function deflateRepeated(prefix: string, pattern: string, size: number, suffix: string): Promise<{ data: Buffer; crc: number; size: number }> {
  const z = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (b: Buffer) => parts.push(b));
  const done = new Promise<void>((resolve) => z.on('end', () => resolve()));
  let crc = 0;
  let total = 0;
  const feed = async (b: Buffer) => {
    crc = crc32(b, crc);
    total += b.length;
    if (!z.write(b)) await new Promise<void>((resolve) => z.once('drain', () => resolve()));
  };
  await feed(Buffer.from(prefix));
  const chunk = Buffer.from(pattern.repeat(Math.ceil((1 << 20) / pattern.length)));
  for (let n = 0; n < size; n += chunk.length) await feed(chunk);
  await feed(Buffer.from(suffix));
  z.end();
  await done;
  return { data: Buffer.concat(parts), crc, size: total };
}

function zip(entries: { name: string; data: Buffer; crc: number; size: number; method: 0 | 8 }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const n = Buffer.from(e.name);
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0); l.writeUInt16LE(20, 4); l.writeUInt16LE(e.method, 8); l.writeUInt32LE(e.crc, 14);
    l.writeUInt32LE(e.data.length, 18); l.writeUInt32LE(e.size, 22); l.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(e.method, 10); c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(e.data.length, 20); c.writeUInt32LE(e.size, 24); c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    locals.push(l, n, e.data);
    centrals.push(c, n);
    offset += l.length + n.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const stored = (name: string, text: string) => {
  const data = Buffer.from(text);
  return { name, data, crc: crc32(data), size: data.length, method: 0 as const };
};

/** A workbook whose one shared string inflates to `bytes` bytes: sheet1 shows it in A1. */
async function writeZipBomb(path: string, bytes: number): Promise<void> {
  const big = await deflateRepeated('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>', 'A', bytes, '</t></si></sst>');
  writeFileSync(path, zip([
    stored('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
    stored('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    stored('xl/workbook.xml', '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Rates" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    stored('xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
    { name: 'xl/sharedStrings.xml', data: big.data, crc: big.crc, size: big.size, method: 8 },
    stored('xl/worksheets/sheet1.xml', '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'),
  ]));
}

/** Builds a generated corpus file at `path`; `hugeBytes` sizes the 100 MB line and the bomb. */
export async function generateBadFile(kind: NonNullable<BadFile['generated']>, path: string, hugeBytes: number): Promise<void> {
  switch (kind) {
    case 'huge-line-deck':
      return writeHugeLine(path, `${DECK_HEAD}\n${GOOD}`, hugeBytes);
    case 'huge-line-cdr':
      return writeHugeLine(path, AST, hugeBytes);
    case 'zip-bomb-deck':
      return writeZipBomb(path, Math.max(hugeBytes * 5, 64 << 20));
    case 'truncated-big-deck': {
      await writeDeckXlsx(path, baseDeck(20_000, 11));
      truncateSync(path, Math.floor(statSync(path).size * 0.6));
      return;
    }
    case 'wide-rows-deck': {
      const extra = Array.from({ length: 10_000 - 5 }, (_, i) => `c${i + 6}`).join(',');
      const pad = ',x'.repeat(10_000 - 5);
      writeFileSync(path, `${DECK_HEAD},${extra}\n${GOOD.trim().split('\n').map((l) => l + pad).join('\n')}\n`);
      return;
    }
  }
}

export function readBack(path: string): string {
  return readFileSync(path, 'utf8');
}
