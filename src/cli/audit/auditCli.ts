// `fedflow audit verify`, `fedflow events`, `fedflow job-timeline`: the audit commands, with their
// own small parser (node:util) so the flow client's option table stays as it is.
import { parseArgs } from 'node:util';
import type { CliContext } from '../context.js';
import { auditVerify } from './verify.js';

export const AUDIT_COMMANDS: ReadonlySet<string> = new Set(['audit']);

export const AUDIT_USAGE = `Usage: fedflow audit verify [--data-dir <dir>] [--tls-key <party.key>] [--json]

Re-hashes the node's whole event log (<data-dir>/events.sqlite), checks every signed checkpoint
against it and names the first event that does not fit: an edited, removed, inserted or swapped
event, or a tail cut after a checkpoint. Run it on a stopped node or a copy of its data dir.
  --data-dir <dir>      the node's data directory (env FEDFLOW_DATA_DIR, default ./.fedflow)
  --tls-key <file>      cluster mode: the checkpoints must be signed with this party key
                        (default: <data-dir>/node-key.pem when present)
  --json                print the report as JSON
Exit status: 0 the log is intact, 1 it is not (or cannot be read), 2 command-line error.
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
      if (sub !== 'verify') throw new AuditUsageError(`unknown subcommand 'audit ${sub}' (expected 'audit verify')`);
      const { values } = parseArgs({ args: [...options], options: { 'data-dir': { type: 'string' }, 'tls-key': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
      if (values.help) {
        ctx.stdout(AUDIT_USAGE);
        return 0;
      }
      return await auditVerify(ctx, { dataDir: values['data-dir'] ?? ctx.env.FEDFLOW_DATA_DIR ?? '.fedflow', ...(values['tls-key'] ? { tlsKey: values['tls-key'] } : {}), json: values.json === true });
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
