// t_task: one row per (job, task, role, party), as FATE 1.4 (contract 3.2), plus f_reason.
export const T_TASK = 't_task';

export const TASK_COLUMNS = [
  'f_job_id', 'f_component_name', 'f_task_id', 'f_role', 'f_party_id', 'f_operator', 'f_run_ip', 'f_run_pid',
  'f_status', 'f_create_time', 'f_update_time', 'f_start_time', 'f_end_time', 'f_elapsed', 'f_reason',
] as const;

export const taskSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_TASK} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    f_job_id TEXT NOT NULL, f_component_name TEXT, f_task_id TEXT NOT NULL, f_role TEXT NOT NULL,
    f_party_id TEXT NOT NULL, f_operator TEXT, f_run_ip TEXT, f_run_pid INTEGER, f_status TEXT,
    f_create_time INTEGER, f_update_time INTEGER, f_start_time INTEGER, f_end_time INTEGER, f_elapsed INTEGER,
    f_reason TEXT,
    UNIQUE (f_job_id, f_task_id, f_role, f_party_id))`,
  `CREATE INDEX IF NOT EXISTS ${T_TASK}_component ON ${T_TASK} (f_component_name, f_status)`,
];
