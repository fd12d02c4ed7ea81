// Heartbeats between the nodes of running cluster jobs, and what a node does about a party that
// stops answering. Without them a job whose host vanished showed `running` at the guest and arbiter
// until the job timeout (7 days by default): the outbox retries for ever and every component waits
// for objects that will never come.
//
// Every heartbeatIntervalMs this node pings each party it shares a running job with (one call per
// party, naming the jobs). A party is unreachable from its first failed heartbeat after its last
// answered one. While it is, each job's row says so (MarkPartiesUnreachable → f_reason); once it has
// been unreachable for the job's party_timeout:
//   - at the job's initiator, the job fails on every party (JobScheduler.fail: the tasks are stopped
//     and the failure is sent to every party through the outbox, which reaches a party that returns);
//   - at another party, when the unreachable party is the initiator, this party's rows fail (the
//     initiator decides everything else, so a lost non-initiator is the initiator's call).
// A party that comes back converges either way: the initiator's outbox still holds the job's end
// for it, and end states are sticky (a `failed` row stays failed, whoever said it first).
import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { partyTimeoutOf } from '../domain/dsl/runtimeConf.js';
import type { UnreachableParty } from '../domain/job/events.js';
import { isPlainObject } from '../domain/dsl/json.js';

export interface LivenessDeps {
  readonly partyId: string;
  readonly views: Database;
  /** One heartbeat to `partyId` about `jobIds`; resolves with the party's status of each job, throws when it does not answer. */
  readonly ping: (partyId: string, jobIds: readonly string[], deadlineMs: number) => Promise<ReadonlyMap<string, string>>;
  readonly intervalMs: number;
  readonly defaultPartyTimeoutSeconds: number;
  readonly now: () => number;
  /** At the initiator: fail the job on every party. */
  readonly failJob: (jobId: string, reason: string) => Promise<unknown>;
  /** At another party: fail this node's rows of the job (its initiator is gone). */
  readonly failLocally: (jobId: string, reason: string) => Promise<unknown>;
  /** Records on this node's rows which parties are unreachable (empty: all reachable again). */
  readonly markUnreachable: (jobId: string, parties: readonly UnreachableParty[]) => Promise<unknown>;
  readonly log: Logger;
}

interface ActiveJob {
  readonly jobId: string;
  readonly isInitiator: boolean;
  readonly initiatorPartyId: string;
  /** Other parties of the job, each with its first role. */
  readonly others: ReadonlyMap<string, string>;
  readonly partyTimeoutMs: number;
}

export class PartyLiveness {
  /** Party → when its heartbeats started failing (absent: it answers). */
  private readonly downSince = new Map<string, number>();
  /** Jobs this node already failed for a lost party. */
  private readonly failed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Heartbeats answered / not answered (figures for the soak and logs). */
  readonly counts = { answered: 0, missed: 0 };

  constructor(private readonly deps: LivenessDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }

  /** Since when `partyId` is unreachable, if it is. */
  unreachableSince(partyId: string): number | undefined {
    return this.downSince.get(partyId);
  }

  /** One round: ping every party of every running job, then act on the jobs. One round at a time. */
  tick(): Promise<void> {
    this.ticking ??= this.round().catch((error: Error) => this.deps.log.error({ err: error }, 'heartbeat round failed')).finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async round(): Promise<void> {
    const jobs = this.activeJobs();
    const byParty = new Map<string, string[]>();
    for (const job of jobs) for (const partyId of job.others.keys()) (byParty.get(partyId) ?? byParty.set(partyId, []).get(partyId)!).push(job.jobId);
    const deadline = Math.max(500, Math.min(this.deps.intervalMs, 5000));
    await Promise.all([...byParty].map(async ([partyId, jobIds]) => {
      try {
        await this.deps.ping(partyId, jobIds, deadline);
        this.counts.answered++;
        if (this.downSince.delete(partyId)) this.deps.log.info({ partyId }, 'party reachable again');
      } catch (error) {
        this.counts.missed++;
        if (!this.downSince.has(partyId)) {
          this.downSince.set(partyId, this.deps.now());
          this.deps.log.warn({ partyId, err: error }, 'party does not answer heartbeats');
        }
      }
    }));
    for (const partyId of [...this.downSince.keys()]) if (!byParty.has(partyId)) this.downSince.delete(partyId);
    const now = this.deps.now();
    for (const job of jobs) {
      const unreachable: UnreachableParty[] = [...job.others]
        .filter(([partyId]) => this.downSince.has(partyId))
        .map(([partyId, role]) => ({ role, partyId, since: this.downSince.get(partyId)! }));
      await this.deps.markUnreachable(job.jobId, unreachable).catch((error: Error) => this.deps.log.warn({ err: error, jobId: job.jobId }, 'unreachable parties not recorded'));
      const lost = unreachable.filter((p) => now - p.since >= job.partyTimeoutMs);
      if (lost.length === 0 || this.failed.has(job.jobId)) continue;
      const reason = `${lost.map((p) => `party ${p.role} ${p.partyId} unreachable since ${new Date(p.since).toISOString()}`).join(', ')} (party_timeout ${job.partyTimeoutMs / 1000} s)`;
      if (job.isInitiator) {
        this.failed.add(job.jobId);
        this.deps.log.warn({ jobId: job.jobId, reason }, 'job fails: a party is lost');
        void this.deps.failJob(job.jobId, reason).catch((error: Error) => this.deps.log.error({ err: error, jobId: job.jobId }, 'failing the job for a lost party failed'));
      } else if (lost.some((p) => p.partyId === job.initiatorPartyId)) {
        this.failed.add(job.jobId);
        this.deps.log.warn({ jobId: job.jobId, reason }, 'job fails here: its initiator is lost');
        await this.deps.failLocally(job.jobId, reason).catch((error: Error) => this.deps.log.error({ err: error, jobId: job.jobId }, 'failing the job for a lost initiator failed'));
      }
    }
  }

  /** This node's open cluster jobs: running ones, and at other parties also those still waiting for the initiator's start. */
  private activeJobs(): ActiveJob[] {
    const rows = this.deps.views
      .prepare(`SELECT f_job_id, f_role, f_is_initiator, f_initiator_party_id, f_roles, f_runtime_conf, f_status FROM t_job
        WHERE f_work_mode = 1 AND (f_status = 'running' OR (f_status = 'waiting' AND f_is_initiator = 0))`)
      .all() as { f_job_id: string; f_is_initiator: number; f_initiator_party_id: string; f_roles: string; f_runtime_conf: string }[];
    const jobs = new Map<string, ActiveJob>();
    for (const row of rows) {
      if (jobs.has(row.f_job_id)) continue;
      const roles = parse(row.f_roles);
      const others = new Map<string, string>();
      if (isPlainObject(roles)) {
        for (const [role, ids] of Object.entries(roles)) {
          if (!Array.isArray(ids)) continue;
          for (const id of ids) if (String(id) !== this.deps.partyId && !others.has(String(id))) others.set(String(id), role);
        }
      }
      jobs.set(row.f_job_id, {
        jobId: row.f_job_id, isInitiator: Number(row.f_is_initiator) === 1, initiatorPartyId: String(row.f_initiator_party_id), others,
        partyTimeoutMs: partyTimeoutOf(parse(row.f_runtime_conf), this.deps.defaultPartyTimeoutSeconds) * 1000,
      });
    }
    return [...jobs.values()];
  }
}

function parse(text: string | null): unknown {
  try {
    return JSON.parse(text ?? 'null') as unknown;
  } catch {
    return null;
  }
}
