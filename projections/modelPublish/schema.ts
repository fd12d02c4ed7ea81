// The read side of model publication: each load and its verdict, which serving holds which party
// model (successful publishLoads), and which service id is bound where (successful publishBinds).
// Failed attempts stay in the event log and in the load's f_results.
export const T_MODEL_LOAD = 't_model_load';
export const T_MODEL_SERVING = 't_model_serving';
export const T_MODEL_SERVICE = 't_model_service';

export const modelPublishSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_MODEL_LOAD} (
    f_job_id TEXT PRIMARY KEY, f_model_id TEXT NOT NULL, f_model_version TEXT NOT NULL,
    f_initiator_role TEXT, f_initiator_party_id TEXT, f_roles TEXT, f_load_type TEXT,
    f_status TEXT NOT NULL, f_retcode INTEGER, f_results TEXT, f_reason TEXT, f_create_time INTEGER, f_end_time INTEGER)`,
  `CREATE INDEX IF NOT EXISTS ${T_MODEL_LOAD}_status ON ${T_MODEL_LOAD} (f_status)`,
  `CREATE TABLE IF NOT EXISTS ${T_MODEL_SERVING} (
    f_serving TEXT NOT NULL, f_role TEXT NOT NULL, f_party_id TEXT NOT NULL, f_model_id TEXT NOT NULL, f_model_version TEXT NOT NULL,
    f_party_model_id TEXT NOT NULL, f_load_type TEXT, f_job_id TEXT, f_update_time INTEGER,
    PRIMARY KEY (f_serving, f_role, f_party_id, f_model_id, f_model_version))`,
  `CREATE TABLE IF NOT EXISTS ${T_MODEL_SERVICE} (
    f_service_id TEXT NOT NULL, f_serving TEXT NOT NULL, f_role TEXT, f_party_id TEXT, f_model_id TEXT, f_model_version TEXT,
    f_party_model_id TEXT, f_update_time INTEGER,
    PRIMARY KEY (f_service_id, f_serving))`,
];
