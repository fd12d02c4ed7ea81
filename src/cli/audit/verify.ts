// `fedflow audit verify`: the report of store/audit/verifyLog.ts, readable or as JSON.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { keyIdOf } from '../../store/audit/checkpoint.js';
import { NODE_KEY_FILE } from '../../store/audit/nodeKey.js';
import { verifyEventLogParallel } from '../../store/audit/verifyLog.js';
import { EVENTS_FILE } from '../../store/openEventStore.js';

export async function auditVerify(ctx: CliContext, o: { dataDir: string; tlsKey?: string; json: boolean }): Promise<number> {
  const dataDir = resolve(ctx.cwd, o.dataDir);
  const file = join(dataDir, EVENTS_FILE);
  const keyFile = o.tlsKey ? resolve(ctx.cwd, o.tlsKey) : join(dataDir, NODE_KEY_FILE);
  let report;
  try {
    const expectedKeyId = existsSync(keyFile) ? keyIdOf(createPublicKey(createPrivateKey(readFileSync(keyFile)))) : undefined;
    report = await verifyEventLogParallel(file, expectedKeyId !== undefined ? { expectedKeyId } : {});
  } catch (err) {
    ctx.stderr(`fedflow audit verify: ${(err as Error).message}\n`);
    return 1;
  }
  const perSecond = report.ms > 0 ? Math.round(report.events / (report.ms / 1000)) : report.events;
  if (o.json) {
    ctx.stdout(`${JSON.stringify({ file, ...report, eventsPerSecond: perSecond }, null, 2)}\n`);
    return report.ok ? 0 : 1;
  }
  if (report.ok) {
    ctx.stdout(`ok: ${report.events} events, chain head ${report.headHash ?? '(empty log)'} at position ${report.headPosition ?? 0}\n`);
    ctx.stdout(report.lastCheckpoint
      ? `${report.checkpoints} signed checkpoint(s), the last at position ${report.lastCheckpoint.position} (key ${report.lastCheckpoint.keyId}, ${new Date(report.lastCheckpoint.created).toISOString()})\n`
      : 'no signed checkpoint yet\n');
    if (report.unlinked > 0) ctx.stdout(`the newest ${report.unlinked} event(s) have no stored hash yet: a running node links each batch right after its commit, a node that stopped uncleanly when it next starts; no checkpoint covers them\n`);
    if (report.excerptGaps > 0) ctx.stdout(`an excerpt of its origin's log (fedflow replay of a filtered export): ${report.excerptGaps} hole(s) left out on purpose, each event chained to the hash before it\n`);
    ctx.stdout(`verified in ${Math.round(report.ms)} ms (${perSecond} events/s)\n`);
    return 0;
  }
  const b = report.firstBroken!;
  const where = 'streamId' in b ? `position ${b.position} (stream ${b.streamId}, revision ${b.revision}, ${b.type})` : `position ${b.position}`;
  ctx.stdout(`BROKEN: the first event that does not fit is at ${where}: ${b.reason}\n`);
  for (const other of [...report.breaks, ...report.checkpointProblems].filter((x) => x !== b)) ctx.stdout(`  also at position ${other.position}: ${other.reason}\n`);
  ctx.stdout(`${report.events} events read, ${report.checkpoints} checkpoint(s)\n`);
  return 1;
}
