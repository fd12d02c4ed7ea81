// t_data_view: which table a task produced, with its counts (contract 3.3).
export const T_DATA_VIEW = 't_data_view';

export const DATA_VIEW_COLUMNS = [
  'f_job_id', 'f_role', 'f_party_id', 'f_table_name', 'f_table_namespace', 'f_component_name', 'f_create_time',
  'f_update_time', 'f_table_count_upload', 'f_table_count_actual', 'f_partition', 'f_task_id', 'f_type', 'f_ttl',
  'f_party_model_id', 'f_model_version', 'f_size', 'f_description', 'f_tag',
] as const;

export const dataViewSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_DATA_VIEW} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    f_job_id TEXT NOT NULL, f_role TEXT, f_party_id TEXT, f_table_name TEXT, f_table_namespace TEXT,
    f_component_name TEXT, f_create_time INTEGER, f_update_time INTEGER, f_table_count_upload INTEGER,
    f_table_count_actual INTEGER, f_partition INTEGER, f_task_id TEXT, f_type TEXT, f_ttl INTEGER,
    f_party_model_id TEXT, f_model_version TEXT, f_size INTEGER, f_description TEXT, f_tag TEXT,
    UNIQUE (f_job_id, f_task_id, f_role, f_party_id))`,
];
