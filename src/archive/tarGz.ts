// tar.gz of a few small files (POSIX ustar, gzip by node:zlib): what FATE's /v1/job/log and
// output/data/download answer and fate_flow_client.py unpacks. Pure apart from zlib; files are
// held in memory, which fits what goes through here (a job's logs, one output table as CSV).
import { gunzipSync, gzipSync } from 'node:zlib';

export interface TarEntry {
  /** Relative path with '/' separators. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Seconds since the epoch (default: now). */
  readonly mtime?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as tar writes numeric fields.
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** Splits a long name into ustar's prefix (≤ 155) and name (≤ 100) at a '/'. */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`tar: name too long for ustar: ${name}`);
}

function header(entry: TarEntry, mtime: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { prefix, base } = splitName(entry.name);
  h.write(base, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(entry.data.length, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum is computed with its own field as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'binary');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function packTarGz(entries: readonly TarEntry[], now = Date.now() / 1000): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    checkName(entry.name);
    parts.push(header(entry, entry.mtime ?? now), Buffer.from(entry.data));
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return gzipSync(Buffer.concat(parts));
}

/** Names that stay inside the folder they are unpacked into. */
function checkName(name: string): void {
  if (name === '' || name.startsWith('/') || name.split('/').some((p) => p === '..' || p === '') || name.includes('\0')) {
    throw new Error(`tar: unsafe entry name ${JSON.stringify(name)}`);
  }
}

const field = (h: Buffer, at: number, len: number): string => {
  const raw = h.subarray(at, at + len);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? len : end).toString('utf8');
};

/** Regular files of a tar.gz; directories are skipped; an unsafe name (absolute, '..') throws. */
export function unpackTarGz(bytes: Uint8Array): TarEntry[] {
  const tar = gunzipSync(bytes);
  const out: TarEntry[] = [];
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const h = tar.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156] ?? 48);
    const prefix = field(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
    const mtime = parseInt(field(h, 136, 12).trim() || '0', 8);
    at += BLOCK;
    if (type === '0' || type === '\0') {
      const clean = name.replace(/^\.\//, '');
      checkName(clean);
      out.push({ name: clean, data: tar.subarray(at, at + size), mtime });
    }
    at += Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
