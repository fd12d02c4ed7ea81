// `fedflow events export`: the node's log, or a job's part of it, as NDJSON on stdout or in a file
// (store/audit/exportLog.ts). It reads the data dir's SQLite file directly (read-only; a running
// node keeps writing), so it works on a stopped node and on a copy of its dir.
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { BrokenLogError, exportEventLog, type ExportSelection } from '../../store/audit/exportLog.js';
import { EVENTS_FILE } from '../../store/openEventStore.js';
import { TableStore } from '../../store/tables/tableStore.js';
import { NODE_KEY_FILE } from '../../store/audit/nodeKey.js';

export interface ExportOptions {
  readonly dataDir: string;
  readonly output?: string;
  readonly selection: ExportSelection;
  /** The key that signs the export's last event (cluster mode: the party's TLS key); default <data-dir>/node-key.pem when present. */
  readonly tlsKey?: string;
}

/** Lines are gathered into chunks of this size before they are written. */
const CHUNK = 1 << 16;

export async function exportCommand(ctx: CliContext, o: ExportOptions): Promise<number> {
  const dataDir = resolve(ctx.cwd, o.dataDir);
  const file = join(dataDir, EVENTS_FILE);
  const out = o.output ? createWriteStream(resolve(ctx.cwd, o.output)) : undefined;
  let chunk = '';
  const flush = async (): Promise<void> => {
    const text = chunk;
    chunk = '';
    if (!text) return;
    if (out) {
      if (!out.write(text)) await once(out, 'drain');
      return;
    }
    ctx.stdout(text);
    // A slow reader at the other end of the pipe holds the export back instead of filling memory.
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  };
  const keyFile = o.tlsKey ? resolve(ctx.cwd, o.tlsKey) : join(dataDir, NODE_KEY_FILE);
  // Never made here: without the node's key the tail after its last checkpoint stays unsigned.
  const signer = existsSync(keyFile) ? { privateKeyPem: readFileSync(keyFile, 'utf8') } : undefined;
  const tablesDir = join(dataDir, 'tables');
  const tables = existsSync(tablesDir) ? new TableStore(tablesDir) : undefined;
  try {
    const summary = await exportEventLog(file, o.selection, async (line) => {
      chunk += line;
      if (chunk.length >= CHUNK) await flush();
    }, { ...(tables ? { tableFiles: (location: string) => tables.filesOf(location) } : {}), ...(signer ? { signer } : {}) });
    await flush();
    if (out) await closeStream(out);
    ctx.stderr(`exported ${summary.events} of ${summary.scanned} events, ${summary.checkpoints} signed checkpoint(s), ${summary.tables} table digest(s)${o.output ? ` to ${o.output}` : ''}${signer ? '' : `; no key at ${keyFile}: events after the last checkpoint are unsigned`}\n`);
    return 0;
  } catch (error) {
    await flush().catch(() => {});
    if (out) await closeStream(out).catch(() => {});
    const broken = error instanceof BrokenLogError;
    ctx.stderr(`fedflow events export: ${(error as Error).message}${broken ? ' (the export is incomplete: it has no end line)' : ''}\n`);
    return 1;
  }
}

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolveClose, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolveClose())));
}
