// component-* (/v1/tracking/component/*): -j -cpn [-r -p] → {job_id, component_name, role?, party_id?}.
import type { CliOptions, TrackingCommand } from '../args.js';
import type { CliContext } from '../context.js';
import type { Envelope } from '../http.js';
import { clientFor, finish } from './shared.js';
import { outputDataDownload } from './jobAdmin.js';

export const TRACKING_PATHS: Readonly<Record<TrackingCommand, string>> = {
  'component-parameters': '/v1/tracking/component/parameters',
  'component-metrics': '/v1/tracking/component/metrics',
  'component-metric-all': '/v1/tracking/component/metric/all',
  'component-metric-data': '/v1/tracking/component/metric_data',
  'component-output-model': '/v1/tracking/component/output/model',
  'component-output-data': '/v1/tracking/component/output/data',
  'component-output-data-table': '/v1/tracking/component/output/data/table',
};

/** The request body; role/party_id are left out together so the server picks the initiator. */
export function trackingBody(command: TrackingCommand, o: CliOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { job_id: o.jobId };
  if (o.role !== undefined) body.role = o.role;
  if (o.partyId !== undefined) body.party_id = o.partyId;
  body.component_name = o.componentName;
  if (command === 'component-metric-data') {
    body.metric_namespace = o.namespace;
    body.metric_name = o.metricName;
  }
  if (command === 'component-output-data' && o.limit) body.limit = o.limit;
  return body;
}

export function trackingCommand(command: TrackingCommand): (ctx: CliContext, o: CliOptions) => Promise<number> {
  return async (ctx, o) => {
    if (command === 'component-output-data' && o.outputPath) return outputDataDownload(ctx, o);
    const env = await clientFor(ctx, o).post(TRACKING_PATHS[command], trackingBody(command, o));
    if (command !== 'component-output-data') return finish(ctx, env);
    return printOutputData(ctx, env, o.limit);
  };
}

/** Output rows cut to `limit` (servers may ignore it); a table on a terminal, else the JSON answer. */
function printOutputData(ctx: CliContext, answer: Envelope, limit: number | undefined): number {
  let env = answer;
  if (limit && env.retcode === 0 && Array.isArray(env.data) && env.data.length > limit) env = { ...env, data: env.data.slice(0, limit) };
  if (!ctx.stdoutIsTTY || env.retcode !== 0 || !Array.isArray(env.data)) return finish(ctx, env);
  ctx.stdout(renderOutputData(env.data, env.meta));
  return 0;
}

const MAX_CELL = 40;

function cellText(v: unknown): string {
  const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 3)}...` : flat;
}

/**
 * The output/data answer as aligned text: meta.header (a list, or a comma string) over the rows,
 * a rule between, and `<shown> of <meta.total> rows` (or `<n> rows`) at the end.
 */
export function renderOutputData(data: readonly unknown[], meta?: unknown): string {
  const m = meta && typeof meta === 'object' ? (meta as Record<string, unknown>) : {};
  const header = Array.isArray(m.header) ? m.header.map(cellText) : typeof m.header === 'string' && m.header ? m.header.split(',').map(cellText) : [];
  const rows = data.map((r) => (Array.isArray(r) ? r.map(cellText) : [cellText(r)]));
  const ncols = Math.max(header.length, ...rows.map((r) => r.length), 0);
  const widths = Array.from({ length: ncols }, (_, i) => Math.max(header[i]?.length ?? 0, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join('  ').trimEnd();
  const out: string[] = [];
  if (header.length > 0) out.push(line(header), line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) out.push(line(r));
  const total = typeof m.total === 'number' ? m.total : undefined;
  out.push(total !== undefined && total !== rows.length ? `${rows.length} of ${total} rows` : `${rows.length} row${rows.length === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}
