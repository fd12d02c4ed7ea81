// Events of one party-local table (namespace, name). Rows are never in events: they live in the
// table store under `location`, which becomes visible the moment TableDataLoaded is recorded.

/** FATE's table metas: `{header, sid}` for uploads; component outputs add `schema: {header: [...], sid_name, label_name}`. */
export type TableMeta = Record<string, unknown>;

export interface TableDataLoadedData {
  readonly namespace: string;
  readonly name: string;
  /** Table-store location holding the rows from now on. */
  readonly location: string;
  /** The location it replaces (to be removed from storage), if any. */
  readonly previousLocation: string | null;
  /** create: new table; replace: drop=1 (old rows gone); append: drop=0 (rows written into the old ones). */
  readonly mode: 'create' | 'replace' | 'append';
  readonly partition: number;
  /** Lines read from the file. */
  readonly countUpload: number;
  /** Distinct keys now in the table. */
  readonly countActual: number;
  readonly meta: TableMeta;
  readonly jobId: string;
  readonly at: number;
}

export type TableEvent =
  | { type: 'TableCreated'; data: { namespace: string; name: string; partition: number; jobId: string; at: number } }
  | { type: 'TableDataLoaded'; data: TableDataLoadedData }
  | { type: 'TableDeleted'; data: { namespace: string; name: string; location: string; at: number } };

export const TABLE_EVENT_TYPES: readonly TableEvent['type'][] = ['TableCreated', 'TableDataLoaded', 'TableDeleted'];

export function tableStreamId(namespace: string, name: string): string {
  return `table-${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
