// `fedflow replay <export> --data-dir DIR`: a fresh data dir from an export (store/audit/
// replayLog.ts), its views rebuilt from the replayed log and its chain verified.
// `fedflow replay --check --data-dir DIR`: the dir's views rebuilt from its log in a throwaway
// in-memory database, up to the position the live views reached, and compared row by row with them;
// then every recorded command re-driven through today's deciders (eventSourcing/redriveLog.ts) and
// any event today's code would no longer produce named. Both always run; exit 1 if either differs.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { buildConfig } from '../../config.js';
import { replayExport } from '../../store/audit/replayLog.js';
import { ReplayRefusedError } from '../../store/audit/replayCheck.js';
import { verifyEventLog } from '../../store/audit/verifyLog.js';
import { redriveLog, type RedriveReport } from '../../eventSourcing/redriveLog.js';
import { EVENTS_FILE } from '../../store/openEventStore.js';
import { SqliteEventStore } from '../../store/sqlite/sqliteEventStore.js';
import { withViewsAsOf } from '../../../projections/asOf.js';
import { compareViews } from '../../../projections/compareViews.js';
import { ALL_PROJECTIONS } from '../../../projections/index.js';

export async function replayCommand(ctx: CliContext, o: { exportFile: string; dataDir: string; json: boolean }): Promise<number> {
  const dataDir = resolve(ctx.cwd, o.dataDir);
  const source = o.exportFile === '-' ? process.stdin : resolve(ctx.cwd, o.exportFile);
  if (typeof source === 'string' && !existsSync(source)) {
    ctx.stderr(`fedflow replay: no export at ${source}\n`);
    return 1;
  }
  let summary;
  try {
    summary = await replayExport(source, dataDir);
  } catch (error) {
    if (!(error instanceof ReplayRefusedError)) throw error;
    ctx.stderr(`fedflow replay: refused: ${error.message}\nnothing was written to ${dataDir}\n`);
    return 1;
  }
  const api = await ctx.loadNodeApi();
  const rebuilt = await api.rebuildViews(buildConfig({ dataDir, logLevel: 'silent' }));
  const verified = verifyEventLog(join(dataDir, EVENTS_FILE));
  const result = {
    dataDir, events: summary.events, checkpoints: summary.checkpoints, holes: summary.gaps, origin: summary.header.party_id, exportedAt: summary.header.exported_at,
    filter: summary.header.filter, viewsRebuiltFrom: rebuilt.events, chainOk: verified.ok, tables: summary.tables,
  };
  if (o.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else {
    ctx.stdout(`replayed ${summary.events} events, ${summary.checkpoints} signed checkpoint(s)${summary.gaps ? `, ${summary.gaps} hole(s) of a filtered export` : ''} into ${dataDir}\n`);
    ctx.stdout(`views rebuilt from ${rebuilt.events} events in ${rebuilt.ms} ms; chain ${verified.ok ? 'verified' : `BROKEN at position ${verified.firstBroken?.position}`}\n`);
    const digests = summary.tables.filter((t) => t.sha256);
    if (summary.tables.length) ctx.stdout(`${summary.tables.length} table(s) referenced, rows not included${digests.length ? ` (sha256 of ${digests.length} at the origin in replayed-from.json)` : ''}\n`);
  }
  return verified.ok ? 0 : 1;
}

export async function replayCheckCommand(ctx: CliContext, o: { dataDir: string; json: boolean }): Promise<number> {
  const dataDir = resolve(ctx.cwd, o.dataDir);
  const eventsFile = join(dataDir, EVENTS_FILE);
  const viewsFile = join(dataDir, 'views.sqlite');
  for (const f of [eventsFile, viewsFile]) {
    if (!existsSync(f)) {
      ctx.stderr(`fedflow replay --check: no ${f}\n`);
      return 1;
    }
  }
  const live = new Database(viewsFile, { readonly: true, fileMustExist: true });
  const store = SqliteEventStore.open(eventsFile, { readOnly: true });
  // One read transaction: a running node goes on applying events, the comparison sees one snapshot.
  live.exec('BEGIN');
  try {
    const state = live.prepare("SELECT value FROM projection_state WHERE key = 'checkpoint'").get() as { value: string } | undefined;
    const position = BigInt(state?.value ?? '0');
    const head = await store.headPosition();
    const tables = ALL_PROJECTIONS.flatMap((p) => p.tables);
    const { answer } = await withViewsAsOf(store, { position }, (rebuilt) => compareViews(live, rebuilt, tables));
    const d = answer.firstDifference;
    // The log as it is now (a running node may have gone past `position`): a decision's events are
    // appended in one transaction, so any read sees whole decisions.
    const redrive = await redriveLog(store);
    const commandsOk = redrive.different === 0;
    if (o.json) {
      ctx.stdout(`${JSON.stringify({
        ok: d === null && commandsOk, position: String(position), head: String(head), tables: answer.tables, rows: answer.rows, firstDifference: d,
        commands: { ok: commandsOk, ...redrive },
      }, null, 2)}\n`);
    } else {
      if (d === null) ctx.stdout(`ok: the views match the log: ${answer.tables} views, ${answer.rows} rows compared at position ${position}${head > position ? ` (the log goes on to ${head}: the views are still catching up)` : ''}\n`);
      else ctx.stdout(`DIFFERENT at position ${position}: ${d.message}\n`);
      ctx.stdout(describeRedrive(redrive, commandsOk));
    }
    return d === null && commandsOk ? 0 : 1;
  } finally {
    live.exec('COMMIT');
    live.close();
    await store.close();
  }
}

function describeRedrive(r: RedriveReport, ok: boolean): string {
  const notRedrivable = r.notRedrivable ? `; ${r.notRedrivable} event(s) without a recorded command (older log or plain appends) not re-drivable` : '';
  const undecided = r.undecided ? `; ${r.undecided} event(s) of streams no decider writes (tracking)` : '';
  const other = r.otherDecider ? `; ${r.otherDecider} decision(s) recorded by another decider than today's for their stream` : '';
  const head = `${ok ? 'ok' : 'DIFFERENT'}: today's deciders re-drove ${r.redriven} recorded command(s) of ${r.streams} stream(s): ${r.matching} produce the recorded events, ${r.redriven - r.matching} do not${notRedrivable}${undecided}${other}\n`;
  const folds = r.different - (r.redriven - r.matching);
  const more = r.different > r.differences.length ? `  … and ${r.different - r.differences.length} more\n` : '';
  const unfoldable = folds ? `  ${folds} stream(s) today's deciders cannot fold\n` : '';
  return head + unfoldable + r.differences.map((x) => `  ${x.streamId} revision ${x.revision} (${x.command}): ${x.message}\n`).join('') + more;
}
