// Metric data points (f_type 1) and meta items (f_type 0) of every task (contract 3.4 and 9).
// One table rather than FATE's table-per-day; keys and values are stored as JSON text.
export const T_METRIC = 't_tracking_metric';

export const trackingSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_METRIC} (
    f_id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_job_id TEXT NOT NULL, f_component_name TEXT, f_task_id TEXT, f_role TEXT, f_party_id TEXT,
    f_metric_namespace TEXT, f_metric_name TEXT, f_key TEXT, f_value TEXT, f_type INTEGER,
    f_create_time INTEGER, f_update_time INTEGER)`,
  `CREATE INDEX IF NOT EXISTS ${T_METRIC}_component ON ${T_METRIC} (f_job_id, f_component_name, f_role, f_party_id)`,
];
