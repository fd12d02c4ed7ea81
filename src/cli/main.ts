// `fedflow` entry point: parse, dispatch, map failures to exit statuses (0 ok, 1 failure, 2 usage).
import { permissionCommand } from './commands/permission.js';
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError, type CliOptions, type CommandName, type ParsedArgs } from './args.js';
import { ConfError } from './conf.js';
import { defaultContext, type CliContext } from './context.js';
import { download, upload, uploadHistory } from './commands/data.js';
import { dagDependency, jobConfig, jobQuery, queryTask, stopJob, submitJob, updateJob } from './commands/job.js';
import { certsInitCommand } from './commands/certs.js';
import { SERVING_COMMANDS, servingCli } from './commands/serving.js';
import { NodeConfigError, runNode, viewsRebuild } from './commands/node.js';
import { bindModel, loadModel } from './commands/model.js';
import { tableDelete, tableInfo } from './commands/table.js';
import { testsuiteCli } from './testsuite/run.js';
import { AUDIT_COMMANDS, auditCli } from './audit/auditCli.js';
import { trackingCommand } from './commands/tracking.js';
import { cleanJob, cleanQueue, dataViewQuery, jobLog, metricDelete } from './commands/jobAdmin.js';
import { usage, usageHint } from './usage.js';

export { parseArgs, UsageError } from './args.js';
export type { CliOptions, CommandName, ParsedArgs } from './args.js';
export { loadConf, planDownload, planUpload, resolveLocalFile, toQuery, ConfError } from './conf.js';
export { defaultContext, type CliContext, type NodeApi } from './context.js';
export { FlowClient, resolveServer, transportFailure, CONNECTION_REFUSED, type Envelope } from './http.js';
export { createJobBoard, createReporter, renderBar } from './progress.js';
export { followJob, waitForJob, END_STATUSES } from './wait.js';
export { configFromFlags } from './commands/node.js';
export { dslComponents, stripJobRows, submitBody, JOB_CONFIG_FILES } from './commands/job.js';
export { renderOutputData, trackingBody, TRACKING_PATHS } from './commands/tracking.js';
export { usage } from './usage.js';

const HANDLERS: Readonly<Record<CommandName, (ctx: CliContext, o: CliOptions) => Promise<number>>> = {
  node: runNode,
  'views rebuild': viewsRebuild,
  'certs init': certsInitCommand,
  upload,
  download,
  'upload-history': uploadHistory,
  'table-info': tableInfo,
  'table-delete': tableDelete,
  'job-query': jobQuery,
  'submit-job': submitJob,
  'stop-job': stopJob,
  'query-task': queryTask,
  'job-config': jobConfig,
  'update-job': updateJob,
  'dag-dependency': dagDependency,
  load: loadModel,
  bind: bindModel,
  'job-log': jobLog,
  'data-view-query': dataViewQuery,
  'clean-job': cleanJob,
  'clean-queue': cleanQueue,
  'component-metric-delete': metricDelete,
  'grant-privilege': permissionCommand('grant-privilege'),
  'delete-privilege': permissionCommand('delete-privilege'),
  'query-privilege': permissionCommand('query-privilege'),
  'component-parameters': trackingCommand('component-parameters'),
  'component-metrics': trackingCommand('component-metrics'),
  'component-metric-all': trackingCommand('component-metric-all'),
  'component-metric-data': trackingCommand('component-metric-data'),
  'component-output-model': trackingCommand('component-output-model'),
  'component-output-data': trackingCommand('component-output-data'),
  'component-output-data-table': trackingCommand('component-output-data-table'),
};

/** Runs one fedflow invocation and resolves to its exit status. */
export async function main(argv: readonly string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const ctx = defaultContext(overrides);
  // serving and predict talk to serving nodes, not flow: they parse their own options.
  if (argv[0] !== undefined && SERVING_COMMANDS.has(argv[0])) return servingCli(ctx, argv);
  // testsuite's -s/-d/-e/-i are FATE run_test.py's, not the flow client's: its own parser.
  if (argv[0] === 'testsuite') return testsuiteCli(ctx, argv.slice(1));
  // audit verify, events, job-timeline: their own parser (src/cli/audit).
  if (argv[0] !== undefined && AUDIT_COMMANDS.has(argv[0])) return auditCli(ctx, argv);
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(ctx, err.message, err.command);
    throw err;
  }
  if (parsed.help || !parsed.command) {
    ctx.stdout(usage(parsed.command));
    return 0;
  }
  const command = parsed.command;
  try {
    return await HANDLERS[command](ctx, parsed.options);
  } catch (err) {
    if (err instanceof UsageError || err instanceof NodeConfigError) return usageFailure(ctx, err.message, command);
    if (err instanceof ConfError) {
      ctx.stderr(`fedflow ${command}: ${err.message}\n`);
      return 1;
    }
    ctx.stderr(`fedflow ${command}: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

function usageFailure(ctx: CliContext, message: string, command?: CommandName): number {
  ctx.stderr(`fedflow${command ? ` ${command}` : ''}: ${message}\n${usageHint(command)}\n`);
  return 2;
}

/** True when this module is the program: run as a script, or imported by the `fedflow` bin shim. */
export function isEntryPoint(argv1: string | undefined, moduleUrl: string): boolean {
  if (!argv1) return false;
  let script: string;
  try {
    script = realpathSync(argv1);
  } catch {
    return false;
  }
  return script === realpathSync(fileURLToPath(moduleUrl)) || /^fedflow(\.[cm]?js)?$/.test(basename(script));
}

if (isEntryPoint(process.argv[1], import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`fedflow: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
