// The chain's hash as the sqlite appender computes it for every event (the writer thread right
// after the batch's commit, store/sqlite/chainLinks.ts; the in-thread path in its transaction): the same bytes as
// chainHash (chain.ts, the definition, which `audit verify` uses), written straight into one
// reused buffer instead of built as a string, flattened and encoded for every event, and the hash
// kept as its 32 bytes (the stored form) instead of hex out and hex back in. The previous hash's
// hex is written into the buffer's first 64 bytes by a table, with no string made.
// Why: the template's strings (cons string, flat text, printed numbers, hex out) doubled the
// garbage the writer thread made per event; written into the buffer, the chain adds ≈ 1 scavenge
// per 40,000 events instead of ≈ 11 (docs/audit-cost.md, stop 20).
import { hash } from 'node:crypto';
import { GENESIS_HASH } from './chain.js';

/** Each byte's two lowercase hex digits as ASCII, high digit first. */
const HEX_PAIRS = (() => {
  const digits = Buffer.from('0123456789abcdef', 'latin1');
  const pairs = new Uint8Array(512);
  for (let b = 0; b < 256; b += 1) {
    pairs[b * 2] = digits[b >> 4]!;
    pairs[b * 2 + 1] = digits[b & 15]!;
  }
  return pairs;
})();

const NEWLINE = 0x0a;
const COLON = 0x3a;
/** Digits and separators besides the texts: three numbers, five lengths, eight separators, with room to spare. */
const FIXED_ROOM = 256;

export interface ChainLinker {
  /** Continue the chain from this hash (hex, as the log head holds it). */
  startFrom(previousHex: string): void;
  /**
   * The next event's hash, its 32 bytes, which becomes the previous one. The same Buffer every
   * time, refilled: bind it or copy it before the next call. The numbers (position, revision,
   * time) are printed as a template prints them.
   */
  next(position: number, revision: number, created: number, streamId: string, eventId: string, type: string, data: string, metadata: string): Buffer;
  /** The previous hash as hex (the log head's form). */
  previousHex(): string;
}

/**
 * What Buffer.write(string, offset, encoding) calls once it has read the encoding's name: the
 * writer's loop calls these for every field, so straight.
 */
type DirectWrites = Buffer & { utf8Write(s: string, offset: number): number; latin1Write(s: string, offset: number): number };

export function chainLinker(): ChainLinker {
  let text = Buffer.allocUnsafe(4096) as DirectWrites;
  /** The bytes of the previous hash's hex at the start of `text`. */
  let prefix = text.latin1Write(GENESIS_HASH, 0);
  /** What previousHex answers: the text startFrom was given, or made from `bound` when asked. */
  let previousText: string | undefined = GENESIS_HASH;
  /** The last hash's 32 bytes, refilled for every event (better-sqlite3 copies a bound BLOB). */
  const bound = Buffer.alloc(32) as DirectWrites;

  const room = (needed: number): void => {
    if (needed <= text.length) return;
    let size = text.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size) as DirectWrites;
    text.copy(bigger, 0, 0, prefix);
    text = bigger;
  };

  /** `n`'s decimal digits at `at` (what a template prints for it); where they end. */
  const digits = (at: number, n: number): number => {
    if (!(Number.isSafeInteger(n) && n >= 0)) return at + text.latin1Write(String(n), at);
    let end = at + 1;
    if (n < 0x80000000) {
      // Small integers: integer division (positions, revisions, lengths).
      for (let v = n; v >= 10; v = (v / 10) | 0) end += 1;
      for (let i = end, v = n; i > at; v = (v / 10) | 0) text[--i] = 48 + (v % 10);
      return end;
    }
    for (let v = n; v >= 10; v = Math.floor(v / 10)) end += 1;
    for (let i = end, v = n; i > at; v = Math.floor(v / 10)) text[--i] = 48 + (v % 10);
    return end;
  };

  /** The time's digits, kept: a batch's events share one time, and it is the longest number. */
  let createdValue = -1;
  const createdDigits = Buffer.alloc(32);
  let createdLength = 0;
  const time = (at: number, created: number): number => {
    if (created !== createdValue) {
      if (!(Number.isSafeInteger(created) && created >= 0)) return digits(at, created);
      // Printed into the text, then kept from there.
      const end = digits(at, created);
      createdLength = text.copy(createdDigits, 0, at, end);
      createdValue = created;
      return end;
    }
    for (let i = 0; i < createdLength; i += 1) text[at + i] = createdDigits[i]!;
    return at + createdLength;
  };

  /** `length:s` then a newline (the id fields). */
  const counted = (at: number, s: string): number => {
    at = digits(at, s.length);
    text[at] = COLON;
    at += 1;
    at += text.utf8Write(s, at);
    text[at] = NEWLINE;
    return at + 1;
  };

  return {
    startFrom(previousHex) {
      if (previousHex === previousText) return;
      room(previousHex.length * 3 + FIXED_ROOM);
      prefix = text.utf8Write(previousHex, 0);
      previousText = previousHex;
    },
    next(position, revision, created, streamId, eventId, type, data, metadata) {
      // At most 3 bytes of UTF-8 for each UTF-16 unit: the buffer's write is never cut short.
      room(prefix + FIXED_ROOM + 3 * (streamId.length + eventId.length + type.length + data.length + metadata.length));
      let at = prefix;
      text[at] = NEWLINE;
      at = digits(at + 1, position);
      text[at] = NEWLINE;
      at = digits(at + 1, revision);
      text[at] = NEWLINE;
      at = time(at + 1, created);
      text[at] = NEWLINE;
      at = counted(at + 1, streamId);
      at = counted(at, eventId);
      at = counted(at, type);
      at = digits(at, data.length);
      text[at] = COLON;
      at = digits(at + 1, metadata.length);
      text[at] = NEWLINE;
      at += 1;
      // The definition encodes data and metadata as one string: a high surrogate ending the data
      // and a low one starting the metadata make one character there, two replaced ones apart.
      const last16 = data.length ? data.charCodeAt(data.length - 1) : 0;
      const first16 = metadata.length ? metadata.charCodeAt(0) : 0;
      if (last16 >= 0xd800 && last16 <= 0xdbff && first16 >= 0xdc00 && first16 <= 0xdfff) at += text.utf8Write(data + metadata, at);
      else {
        at += text.utf8Write(data, at);
        at += text.utf8Write(metadata, at);
      }
      // The digest as a 32-character one-byte string ('binary' is latin1): asking the one-shot call
      // for a Buffer costs twice the call (a new ArrayBuffer per event).
      bound.latin1Write(hash('sha256', text.subarray(0, at), 'binary'), 0);
      for (let i = 0; i < 32; i += 1) {
        const pair = bound[i]! * 2;
        text[i * 2] = HEX_PAIRS[pair]!;
        text[i * 2 + 1] = HEX_PAIRS[pair + 1]!;
      }
      prefix = 64;
      previousText = undefined;
      return bound;
    },
    previousHex() {
      previousText ??= bound.toString('hex');
      return previousText;
    },
  };
}
