import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';

/** Seeded synthetic data for benchmarks: the same seed always gives the same files. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES: [string, string][] = [
  ['1', 'USA'], ['7', 'Russia'], ['20', 'Egypt'], ['27', 'South Africa'], ['30', 'Greece'], ['31', 'Netherlands'], ['32', 'Belgium'],
  ['33', 'France'], ['34', 'Spain'], ['36', 'Hungary'], ['39', 'Italy'], ['40', 'Romania'], ['41', 'Switzerland'], ['43', 'Austria'],
  ['44', 'United Kingdom'], ['45', 'Denmark'], ['46', 'Sweden'], ['47', 'Norway'], ['48', 'Poland'], ['49', 'Germany'], ['51', 'Peru'],
  ['52', 'Mexico'], ['54', 'Argentina'], ['55', 'Brazil'], ['56', 'Chile'], ['57', 'Colombia'], ['60', 'Malaysia'], ['61', 'Australia'],
  ['62', 'Indonesia'], ['63', 'Philippines'], ['64', 'New Zealand'], ['65', 'Singapore'], ['66', 'Thailand'], ['81', 'Japan'],
  ['82', 'Korea, Republic of'], ['84', 'Vietnam'], ['86', 'China'], ['90', 'Turkey'], ['91', 'India'], ['92', 'Pakistan'],
  ['93', 'Afghanistan'], ['94', 'Sri Lanka'], ['212', 'Morocco'], ['213', 'Algeria'], ['216', 'Tunisia'], ['221', 'Senegal'],
  ['225', "Cote d'Ivoire"], ['233', 'Ghana'], ['234', 'Nigeria'], ['254', 'Kenya'], ['255', 'Tanzania'], ['256', 'Uganda'],
  ['351', 'Portugal'], ['353', 'Ireland'], ['358', 'Finland'], ['380', 'Ukraine'], ['420', 'Czech Republic'], ['880', 'Bangladesh'],
  ['966', 'Saudi Arabia'], ['971', 'United Arab Emirates'], ['972', 'Israel'], ['977', 'Nepal'],
];

export interface DeckRowSpec {
  code: string;
  destination: string;
  rateE8: number;
  increment: string;
  effective: string;
  change: string;
}

const INCREMENTS = ['60/60', '1/1', '30/6', '60/1'];

function rateText(e8: number): string {
  const s = String(e8).padStart(9, '0');
  return `${s.slice(0, -8)}.${s.slice(-8)}`.replace(/(\.\d{4}\d*?)0+$/, '$1');
}

/** A full A–Z deck of `rows` unique prefixes. */
export function baseDeck(rows: number, seed: number): DeckRowSpec[] {
  const rnd = prng(seed);
  const seen = new Set<string>();
  const out: DeckRowSpec[] = [];
  while (out.length < rows) {
    const [cc, name] = COUNTRIES[Math.floor(rnd() * COUNTRIES.length)]!;
    const extra = 2 + Math.floor(rnd() * 6);
    let code = cc;
    for (let i = 0; i < extra; i++) code += String(Math.floor(rnd() * 10));
    if (seen.has(code)) continue;
    seen.add(code);
    const kind = rnd() < 0.6 ? 'Mobile' : 'Fixed';
    out.push({
      code,
      destination: `${name} - ${kind} ${code.slice(cc.length, cc.length + 2)}`,
      rateE8: 100_000 + Math.floor(rnd() * 50_000_000),
      increment: INCREMENTS[Math.floor(rnd() * INCREMENTS.length)]!,
      effective: '2026-10-01',
      change: 'New',
    });
  }
  return out;
}

/** The next week's full deck: 2 % dropped, 2 % new, 15 % up, 10 % down, the rest as they were. */
export function nextDeck(base: DeckRowSpec[], seed: number): DeckRowSpec[] {
  const rnd = prng(seed);
  const out: DeckRowSpec[] = [];
  for (const r of base) {
    const x = rnd();
    if (x < 0.02) continue;
    if (x < 0.17) out.push({ ...r, rateE8: r.rateE8 + 1000 + Math.floor(rnd() * 100_000), effective: '2026-11-08', change: 'Increase' });
    else if (x < 0.27) out.push({ ...r, rateE8: Math.max(1000, r.rateE8 - 1000 - Math.floor(rnd() * 50_000)), effective: '2026-11-01', change: 'Decrease' });
    else out.push({ ...r, change: 'Unchanged' });
  }
  const taken = new Set(base.map((r) => r.code));
  for (const r of baseDeck(Math.floor(base.length * 0.02), seed + 1)) {
    let code = r.code;
    while (taken.has(code)) code += '9';
    taken.add(code);
    out.push({ ...r, code, effective: '2026-11-08', change: 'New' });
  }
  return out;
}

const HEADER = ['Code', 'Destination', 'Rate', 'Effective Date', 'Billing Increment', 'Change'];

export async function writeDeckCsv(path: string, rows: DeckRowSpec[]): Promise<void> {
  const out = createWriteStream(path);
  let buf = `Bench Carrier Ltd\nRates in USD\n\n${HEADER.join(',')}\n`;
  for (const r of rows) {
    buf += `${r.code},"${r.destination}",${rateText(r.rateE8)},${r.effective},${r.increment},${r.change}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buf = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(buf, () => resolve()).on('error', reject));
}

export async function writeDeckXlsx(path: string, rows: DeckRowSpec[]): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('Rates');
  ws.addRow(['Bench Carrier Ltd']).commit();
  ws.addRow(['Rates in USD']).commit();
  ws.addRow([]).commit();
  ws.addRow(HEADER).commit();
  for (const r of rows) {
    ws.addRow([Number(r.code), r.destination, Number(rateText(r.rateE8)), r.effective, r.increment, r.change]).commit();
  }
  ws.commit();
  await wb.commit();
}

/**
 * An own-switch CDR file in Asterisk's Master.csv layout, calls in time order over November 2026,
 * to numbers under the deck's prefixes (5 % to numbers no deck covers, 20 % unanswered). Traffic is
 * skewed as wholesale traffic is: 90 % of the calls go to 2,000 busy prefixes (a seeded choice),
 * 10 % are spread over the whole deck.
 */
export async function writeAsteriskCdrs(path: string, count: number, deck: DeckRowSpec[], seed: number): Promise<void> {
  const rnd = prng(seed);
  const out = createWriteStream(path);
  let buf = '';
  const start = Date.parse('2026-11-01T00:00:00Z');
  const span = 29 * 86_400_000;
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = (ms: number) => {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  };
  const busy = Array.from({ length: Math.min(2000, deck.length) }, () => deck[Math.floor(rnd() * deck.length)]!);
  for (let i = 0; i < count; i++) {
    const t = start + Math.floor((i / count) * span);
    const r = rnd() < 0.9 ? busy[Math.floor(rnd() * busy.length)]! : deck[Math.floor(rnd() * deck.length)]!;
    let called = r.code;
    while (called.length < 12) called += String(Math.floor(rnd() * 10));
    if (rnd() < 0.05) called = '999' + called;
    const answered = rnd() >= 0.2;
    const billsec = answered ? 1 + Math.floor(rnd() * 600) : 0;
    const setup = 1 + Math.floor(rnd() * 8);
    buf += `"cust${i % 50}","44208${i % 100000}","${called}","from-trunk","","SIP/in-${i}","SIP/out-${i}","Dial","SIP/out/${called}","${stamp(t)}","${answered ? stamp(t + setup * 1000) : ''}","${stamp(t + (setup + billsec) * 1000)}",${setup + billsec},${billsec},"${answered ? 'ANSWERED' : 'NO ANSWER'}","DOCUMENTATION","${t}.${i}","","vendor1"\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buf = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(buf, () => resolve()).on('error', reject));
}
