// `fedflow audit verify`, `fedflow events`, `fedflow job-timeline`: the audit commands, with their
// own small parser (node:util) so the flow client's option table stays as it is.
import { parseArgs } from 'node:util';
import type { CliContext } from '../context.js';
import { auditVerify } from './verify.js';
import { eventsCommand } from './events.js';
import { jobTimelineCommand } from './jobTimeline.js';
import { exportCommand } from './exportCmd.js';
import { replayCheckCommand, replayCommand } from './replay.js';
import { auditJobCommand } from './auditJob.js';

export const AUDIT_COMMANDS: ReadonlySet<string> = new Set(['audit', 'events', 'job-timeline', 'replay']);

export const AUDIT_USAGE = `Usage: fedflow audit verify [--data-dir <dir>] [--tls-key <party.key>] [--json]

Re-hashes the node's whole event log (<data-dir>/events.sqlite), checks every signed checkpoint
against it and names the first event that does not fit: an edited, removed, inserted or swapped
event, or a tail cut after a checkpoint. Run it on a stopped node or a copy of its data dir.
  --data-dir <dir>      the node's data directory (env FEDFLOW_DATA_DIR, default ./.fedflow)
  --tls-key <file>      cluster mode: the checkpoints must be signed with this party key
                        (default: <data-dir>/node-key.pem when present)
  --json                print the report as JSON
Exit status: 0 the log is intact, 1 it is not (or cannot be read), 2 command-line error.

Usage: fedflow audit job -j <job_id> [--json] [--server <url>]

A cluster job's signed receipts at this node (POST /v1/audit/job/receipts): when a job ends each
party signs a receipt (digests of the DSL and conf it ran, its final status, its model digest, its
log's chain head) with its party key; the initiator collects them and shares the set with every
party. Each signature is checked against the federation CA; the verdict says whether every party
signed and all ran the same DSL and conf and agree on the outcome.
Exit status: 0 agreed, 1 not (a missing or invalid receipt, a disagreement), 2 command-line error.

Usage: fedflow events [-j <job_id>] [--type <EventType>]... [--actor <text>] [--stream <id>]
                      [--newest] [--limit <n>] [--follow] [--json] [--server <url>]

The node's event log with who and why (POST /v1/audit/events, every page): one line per event,
\`position  time  type  stream  by actor  [correlation id]\`, oldest first (--newest: newest
first). --follow prints the log so far, then every new event as it is recorded (GET
/v1/audit/stream) until interrupted. --json prints one JSON object per line.
  -j, --job-id <id>     events of one job (its job, task and tracking streams)
  --type <T>            only these event types (repeatable or comma-separated)
  --actor <text>        actor label contains text: 'party 9999', 'client 127.0.0.1', 'node job-scheduler'

Usage: fedflow events export [-j <job_id>] [--type <EventType>]... [--stream <id>]
                             [--from-position <n>] [--to-position <n>] [-o <file>] [--data-dir <dir>]
                             [--tls-key <party.key>]

The node's event log as NDJSON (stdout, or -o <file>), in log order and streamed: a header line,
one line per event (position, stream, revision, id, type, time, its hash and the hash before it,
data and metadata as stored), each signed checkpoint after its event, the sha256 of every table
the events refer to, and an end line with the counts. Without a filter the whole log; -j takes the
job's streams and every stream of the tables and models it touched. Reads <data-dir>/events.sqlite
directly (a running node may keep writing) and re-hashes the log as it goes: a broken chain stops
the export (exit 1, no end line). With the node's key (<data-dir>/node-key.pem, or --tls-key in
cluster mode) the last exported event is signed as a checkpoint, so the tail after the node's last
checkpoint is pinned too.

Usage: fedflow replay <export.jsonl | -> --data-dir <dir> [--json]
       fedflow replay --check [--data-dir <dir>] [--json]

replay: builds a fresh data dir whose event log is the export's events (positions, ids, times,
hashes and checkpoints kept; the holes of a filtered export recorded as such) and rebuilds its
views from it; then \`fedflow node --data-dir <dir> --read-only\` answers the same queries as the
origin. Every line is checked first: an event whose hash does not match its content, that does not
chain to the event before it, a forged checkpoint, a missing or added line, a cut export — the
replay is refused naming the event, and nothing is written.
--check: two checks, both always run. (1) Views: rebuilds the dir's views from its log in a
throwaway in-memory database, up to the position the live views reached, and compares them view by
view, row by row; names the first difference. (2) Commands, an upgrade safety check: every command
recorded in the log (since commands are recorded) is decided again by today's decider on the state
folded from its stream's events before it, and the events it produces (type and data) are compared
with the recorded ones; names the first differences (stream, revision, command, event, recorded vs
today). Events without a recorded command are counted as not re-drivable, not failed.
Exit status: 0 same, 1 different (or refused), 2 command-line error.

Usage: fedflow job-timeline -j <job_id> [--json] [--server <url>]

A job's story on this node (POST /v1/audit/job/timeline): submission with the DSL/conf digests,
each party's task starts and ends with durations, stops and who asked, failures with reasons,
models saved with digests, loads and binds — one line per step with its time and actor.
`;

export class AuditUsageError extends Error {}

export async function auditCli(ctx: CliContext, argv: readonly string[]): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'audit') {
      const [sub, ...options] = rest;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        ctx.stdout(AUDIT_USAGE);
        return sub === undefined ? 2 : 0;
      }
      if (sub === 'job') return await auditJobCommand(ctx, options, AUDIT_USAGE);
      if (sub !== 'verify') throw new AuditUsageError(`unknown subcommand 'audit ${sub}' (expected 'audit verify' or 'audit job')`);
      const { values } = parseArgs({ args: [...options], options: { 'data-dir': { type: 'string' }, 'tls-key': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
      if (values.help) {
        ctx.stdout(AUDIT_USAGE);
        return 0;
      }
      return await auditVerify(ctx, { dataDir: values['data-dir'] ?? ctx.env.FEDFLOW_DATA_DIR ?? '.fedflow', ...(values['tls-key'] ? { tlsKey: values['tls-key'] } : {}), json: values.json === true });
    }
    if (command === 'events' && rest[0] === 'export') {
      const { values } = parseArgs({
        args: rest.slice(1), strict: true,
        options: {
          'job-id': { type: 'string', short: 'j' }, type: { type: 'string', multiple: true }, stream: { type: 'string' },
          'from-position': { type: 'string' }, 'to-position': { type: 'string' }, output: { type: 'string', short: 'o' },
          'data-dir': { type: 'string' }, 'tls-key': { type: 'string' }, help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help) {
        ctx.stdout(AUDIT_USAGE);
        return 0;
      }
      const position = (key: 'from-position' | 'to-position'): bigint | undefined => {
        const v = values[key];
        if (v === undefined) return undefined;
        if (!/^\d{1,18}$/.test(v)) throw new AuditUsageError(`--${key} must be a log position (digits), got '${v}'`);
        return BigInt(v);
      };
      const types = (values.type ?? []).flatMap((t) => t.split(',')).filter(Boolean);
      const from = position('from-position');
      const to = position('to-position');
      return await exportCommand(ctx, {
        dataDir: values['data-dir'] ?? ctx.env.FEDFLOW_DATA_DIR ?? '.fedflow',
        ...(values.output ? { output: values.output } : {}), ...(values['tls-key'] ? { tlsKey: values['tls-key'] } : {}),
        selection: {
          ...(values['job-id'] ? { jobId: values['job-id'] } : {}), ...(types.length ? { types } : {}), ...(values.stream ? { stream: values.stream } : {}),
          ...(from !== undefined ? { fromPosition: from } : {}), ...(to !== undefined ? { toPosition: to } : {}),
        },
      });
    }
    if (command === 'replay') {
      const { values, positionals } = parseArgs({
        args: [...rest], strict: true, allowPositionals: true,
        options: { 'data-dir': { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      });
      if (values.help) {
        ctx.stdout(AUDIT_USAGE);
        return 0;
      }
      const dataDir = values['data-dir'] ?? ctx.env.FEDFLOW_DATA_DIR;
      if (values.check) {
        if (positionals.length) throw new AuditUsageError('replay --check compares a data dir\'s views with its log; it takes no export file');
        return await replayCheckCommand(ctx, { dataDir: dataDir ?? '.fedflow', json: values.json === true });
      }
      if (positionals.length !== 1) throw new AuditUsageError('replay needs one export file (or - for stdin)');
      if (!dataDir) throw new AuditUsageError('replay needs --data-dir <dir>: the fresh data dir to build');
      return await replayCommand(ctx, { exportFile: positionals[0]!, dataDir, json: values.json === true });
    }
    if (command === 'events') {
      const { values } = parseArgs({
        args: [...rest], strict: true,
        options: {
          'job-id': { type: 'string', short: 'j' }, type: { type: 'string', multiple: true }, actor: { type: 'string' }, stream: { type: 'string' },
          newest: { type: 'boolean' }, limit: { type: 'string' }, follow: { type: 'boolean' }, json: { type: 'boolean' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help) {
        ctx.stdout(AUDIT_USAGE);
        return 0;
      }
      const limit = values.limit !== undefined ? Number(values.limit) : undefined;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new AuditUsageError(`--limit must be a positive integer, got '${values.limit}'`);
      return await eventsCommand(ctx, {
        ...(values.server ? { server: values.server } : {}), ...(values['job-id'] ? { jobId: values['job-id'] } : {}),
        types: (values.type ?? []).flatMap((t) => t.split(',')).filter(Boolean), ...(values.actor ? { actor: values.actor } : {}),
        ...(values.stream ? { stream: values.stream } : {}), order: values.newest ? 'newest' : 'oldest', ...(limit !== undefined ? { limit } : {}),
        follow: values.follow === true, json: values.json === true,
      });
    }
    if (command === 'job-timeline') {
      const { values } = parseArgs({ args: [...rest], strict: true, options: { 'job-id': { type: 'string', short: 'j' }, json: { type: 'boolean' }, server: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
      if (values.help) {
        ctx.stdout(AUDIT_USAGE);
        return 0;
      }
      if (!values['job-id']) throw new AuditUsageError('job-timeline needs -j <job_id>');
      return await jobTimelineCommand(ctx, { jobId: values['job-id'], json: values.json === true, ...(values.server ? { server: values.server } : {}) });
    }
    throw new AuditUsageError(`unknown command '${command}'`);
  } catch (err) {
    if (err instanceof AuditUsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      ctx.stderr(`fedflow ${argv[0]}: ${(err as Error).message}\n${AUDIT_USAGE}`);
      return 2;
    }
    throw err;
  }
}
