// t_job: one row per (job, role, party) known to this node; columns as FATE 1.4 (contract 3.1),
// plus f_reason: why a job failed or was canceled (FATE had nowhere to say it).
export const T_JOB = 't_job';

export const JOB_COLUMNS = [
  'f_job_id', 'f_name', 'f_description', 'f_tag', 'f_role', 'f_party_id', 'f_roles', 'f_work_mode',
  'f_initiator_party_id', 'f_is_initiator', 'f_dsl', 'f_runtime_conf', 'f_train_runtime_conf', 'f_run_ip',
  'f_status', 'f_current_steps', 'f_current_tasks', 'f_progress', 'f_create_time', 'f_update_time',
  'f_start_time', 'f_end_time', 'f_elapsed', 'f_reason',
] as const;

export const jobSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_JOB} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    f_job_id TEXT NOT NULL, f_name TEXT DEFAULT '', f_description TEXT DEFAULT '', f_tag TEXT DEFAULT '',
    f_role TEXT NOT NULL, f_party_id TEXT NOT NULL, f_roles TEXT, f_work_mode INTEGER,
    f_initiator_party_id TEXT, f_is_initiator INTEGER, f_dsl TEXT, f_runtime_conf TEXT,
    f_train_runtime_conf TEXT, f_run_ip TEXT, f_status TEXT, f_current_steps TEXT, f_current_tasks TEXT,
    f_progress INTEGER, f_create_time INTEGER, f_update_time INTEGER, f_start_time INTEGER,
    f_end_time INTEGER, f_elapsed INTEGER, f_reason TEXT,
    UNIQUE (f_job_id, f_role, f_party_id))`,
  `CREATE INDEX IF NOT EXISTS ${T_JOB}_status ON ${T_JOB} (f_status)`,
];
