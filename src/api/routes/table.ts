// /v1/table/table_info and /v1/table/delete (contract 5.22, 5.23); any other /v1/table/<x> answers success.
import type Router from '@koa/router';
import { DeleteTable } from '../../app/commands.js';
import { queryDataViews, recognisedDataViewFilters } from '../../../projections/dataView/query.js';
import { getTable } from '../../../projections/tables/query.js';
import { ok } from '../envelope.js';
import { notFound } from '../errors.js';
import type { EdgeDeps } from '../edgeDeps.js';
import { postJson } from '../route.js';
import { queryViews } from '../asOf.js';
import { name, requireKeys } from '../validate.js';

export function tableRoutes(router: Router, deps: EdgeDeps): void {
  postJson(router, '/table/table_info', deps, async (body) => {
    requireKeys(body, ['table_name', 'namespace']);
    const table_name = name(body, 'table_name');
    const namespace = name(body, 'namespace');
    // `as_of` (a log position or ISO time): the table as it was then (src/api/asOf.ts).
    const table = body.create === true ? undefined : await queryViews(deps, body, (views) => getTable(views, namespace, table_name));
    return ok({
      data: {
        table_name, namespace,
        count: table?.count ?? 0,
        partition: table ? table.partition : null,
        schema: table?.meta ?? {},
      },
    });
  });

  postJson(router, '/table/delete', deps, async (body) => {
    if (body.table_name !== undefined && body.namespace !== undefined) {
      const table_name = name(body, 'table_name');
      const namespace = name(body, 'namespace');
      await deps.commands.execute(new DeleteTable(namespace, table_name));
      return ok({ data: [{ table_name, namespace }] });
    }
    const filters = recognisedDataViewFilters(body);
    const rows = filters.length ? queryDataViews(deps.views, body) : [];
    if (rows.length === 0) throw notFound('no find table');
    const tables = new Map(rows.map((r) => [`${r.f_table_namespace}\u0000${r.f_table_name}`, { table_name: String(r.f_table_name), namespace: String(r.f_table_namespace) }]));
    const destroyed = [];
    for (const t of tables.values()) {
      const { deleted } = await deps.commands.execute(new DeleteTable(t.namespace, t.table_name));
      if (deleted) destroyed.push(t);
    }
    if (destroyed.length === 0) throw notFound('failed');
    return ok({ data: destroyed });
  });

  postJson(router, '/table/:other', deps, () => ok());
}
