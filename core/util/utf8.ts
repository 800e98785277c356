/**
 * How many of `bytes` end on a whole UTF-8 character: all of them, or all but an unfinished
 * character at the end (its lead byte, at most four bytes from the end, starts a sequence longer
 * than what follows it). A piece of a larger file cut at a fixed size is cut there, so a decoder
 * given it whole neither refuses a valid file nor holds bytes back.
 */
export function wholeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need <= back ? n : n - back;
  }
  // Only continuation bytes at the end: not UTF-8 there; left whole for the decoder to refuse.
  return n;
}

/** Whether `bytes` end on a whole UTF-8 character (see wholeUtf8Length). */
export function endsWholeUtf8(bytes: Uint8Array): boolean {
  return wholeUtf8Length(bytes) === bytes.length;
}
