// Reads the board needs and FATE's API deliberately lacks (job/query refuses to list every job):
// one page of jobs with filters and a total, the tables, the stored models. Read-only, GET, from
// the same views as /v1; answers in FATE's envelope.
import type Router from '@koa/router';
import type { Database } from 'better-sqlite3';
import { envelope } from '../envelope.js';
import { HttpError } from '../errors.js';

const MAX_PAGE_SIZE = 200;
const STATUSES = new Set(['waiting', 'running', 'success', 'failed', 'canceled', 'timeout']);

export function boardQueryRoutes(router: Router, views: Database): void {
  router.get('/board/jobs', (ctx) => {
    const q = ctx.query as Record<string, string | undefined>;
    const page = positiveInt(q.page, 1, 'page');
    const size = Math.min(positiveInt(q.size, 20, 'size'), MAX_PAGE_SIZE);
    const where: string[] = ['seq IN (SELECT MIN(seq) FROM t_job GROUP BY f_job_id)'];
    const args: unknown[] = [];
    if (q.status) {
      if (!STATUSES.has(q.status)) throw new HttpError(400, `unknown status ${JSON.stringify(q.status)}; one of ${[...STATUSES].join(', ')}`);
      where.push('f_status = ?');
      args.push(q.status);
    }
    // f_roles is the job's role map as JSON ({"guest":[9999],…}): a role is a key, a party an element.
    if (q.role) {
      if (!/^[a-z_]{1,32}$/.test(q.role)) throw new HttpError(400, `role must be a role name such as guest, got ${JSON.stringify(q.role)}`);
      where.push('f_roles LIKE ?');
      args.push(`%"${q.role}":%`);
    }
    if (q.party) {
      if (!/^\d{1,12}$/.test(q.party)) throw new HttpError(400, `party must be a party id (digits), got ${JSON.stringify(q.party)}`);
      where.push('(f_roles LIKE ? OR f_roles LIKE ? OR f_roles LIKE ? OR f_roles LIKE ?)');
      args.push(...['[', ','].flatMap((b) => [']', ','].map((a) => `%${b}${q.party}${a}%`)));
    }
    if (q.q) (where.push("(f_job_id LIKE ? ESCAPE '\\' OR f_description LIKE ? ESCAPE '\\')"), args.push(`%${likeSafe(q.q)}%`, `%${likeSafe(q.q)}%`));
    const clause = where.join(' AND ');
    const total = (views.prepare(`SELECT COUNT(*) AS n FROM t_job WHERE ${clause}`).get(...args) as { n: number }).n;
    const rows = views.prepare(
      `SELECT f_job_id, f_status, f_roles, f_role, f_party_id, f_initiator_party_id, f_progress, f_create_time, f_start_time, f_end_time, f_elapsed, f_description, f_work_mode
       FROM t_job WHERE ${clause} ORDER BY seq DESC LIMIT ? OFFSET ?`,
    ).all(...args, size, (page - 1) * size);
    const counts = Object.fromEntries((views.prepare('SELECT f_status AS s, COUNT(DISTINCT f_job_id) AS n FROM t_job GROUP BY f_status').all() as { s: string; n: number }[]).map((r) => [r.s, r.n]));
    ctx.body = envelope({ retcode: 0, retmsg: 'success', data: { total, page, size, rows, counts } });
  });

  router.get('/board/tables', (ctx) => {
    const rows = views.prepare('SELECT f_namespace, f_name, f_partition, f_count, f_count_upload, f_meta, f_job_id, f_create_time, f_update_time FROM t_table ORDER BY f_namespace, f_name').all();
    ctx.body = envelope({ retcode: 0, retmsg: 'success', data: rows });
  });

  router.get('/board/models', (ctx) => {
    const rows = views.prepare(
      `SELECT m.f_model_id, m.f_model_version, m.f_role, m.f_party_id, m.f_job_id, m.f_components, m.f_create_time,
              l.f_status AS load_status, l.f_job_id AS load_job_id
       FROM t_pipeline_model m LEFT JOIN t_model_load l ON l.f_model_id = m.f_model_id AND l.f_model_version = m.f_model_version
       ORDER BY m.f_create_time DESC`,
    ).all() as Record<string, unknown>[];
    // Per serving: whether this party model is loaded there and which service ids are bound to it
    // (binds go to the initiator's servings, so other parties' rows show loads only).
    const loaded = views.prepare('SELECT f_serving, f_update_time FROM t_model_serving WHERE f_model_id = ? AND f_model_version = ? AND f_role = ? AND f_party_id = ?');
    const bound = views.prepare('SELECT f_serving, f_service_id, f_update_time FROM t_model_service WHERE f_model_id = ? AND f_model_version = ? AND f_role = ? AND f_party_id = ? ORDER BY f_service_id');
    const data = rows.map((m) => {
      const key = [m.f_model_id, m.f_model_version, m.f_role, m.f_party_id];
      const servings = new Map<string, { serving: string; load_status: string | null; bind_status: string | null; service_ids: string[] }>();
      const at = (serving: string) => servings.get(serving) ?? servings.set(serving, { serving, load_status: null, bind_status: null, service_ids: [] }).get(serving)!;
      for (const r of loaded.all(...key) as { f_serving: string }[]) at(r.f_serving).load_status = 'loaded';
      for (const r of bound.all(...key) as { f_serving: string; f_service_id: string }[]) {
        const s = at(r.f_serving);
        s.bind_status = 'bound';
        s.service_ids.push(r.f_service_id);
      }
      return { ...m, servings: [...servings.values()].sort((a, b) => a.serving.localeCompare(b.serving)) };
    });
    ctx.body = envelope({ retcode: 0, retmsg: 'success', data });
  });
}

function positiveInt(value: string | undefined, fallback: number, key: string): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,7}$/.test(value) || Number(value) < 1) throw new HttpError(400, `${key} must be a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Escapes LIKE's wildcards so a filter is taken literally. */
function likeSafe(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
