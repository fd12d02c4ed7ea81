// `fedflow job-timeline -j <id>`: POST /v1/audit/job/timeline rendered for a terminal — one line
// per step, time since the first, the party, what happened, who made it happen.
import type { CliContext } from '../context.js';
import { FlowClient, resolveServer } from '../http.js';

interface Entry {
  position: string;
  at: number;
  time: string;
  party: string | null;
  what: string;
  actor: string;
}

export function renderTimeline(jobId: string, entries: readonly Entry[]): string {
  const t0 = entries[0]?.at ?? 0;
  const partyWidth = Math.max(5, ...entries.map((e) => (e.party ?? '').length));
  const lines = entries.map((e) => {
    const since = `+${((e.at - t0) / 1000).toFixed(3)}s`.padStart(10);
    return `${e.time}  ${since}  ${(e.party ?? '-').padEnd(partyWidth)}  ${e.what}  (by ${e.actor})`;
  });
  return `job ${jobId}: ${entries.length} steps on this node\n${lines.join('\n')}\n`;
}

export async function jobTimelineCommand(ctx: CliContext, o: { server?: string; jobId: string; json: boolean }): Promise<number> {
  const client = new FlowClient(resolveServer(o.server, ctx.env), ctx.fetch);
  const answer = await client.post('/v1/audit/job/timeline', { job_id: o.jobId });
  if (answer.retcode !== 0) {
    ctx.stderr(`fedflow job-timeline: ${answer.retmsg ?? `retcode ${answer.retcode}`}\n`);
    return 1;
  }
  const data = answer.data as { timeline: Entry[] };
  ctx.stdout(o.json ? `${JSON.stringify(answer, null, 2)}\n` : renderTimeline(o.jobId, data.timeline));
  return 0;
}
