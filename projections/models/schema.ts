// Which pipeline models this node's parties have: one row per (party model id, model_version).
export const T_PIPELINE_MODEL = 't_pipeline_model';

export const pipelineModelsSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_PIPELINE_MODEL} (
    f_party_model_id TEXT NOT NULL, f_model_version TEXT NOT NULL, f_model_id TEXT NOT NULL, f_role TEXT NOT NULL,
    f_party_id TEXT NOT NULL, f_job_id TEXT, f_initiator_role TEXT, f_initiator_party_id TEXT, f_sha256 TEXT NOT NULL,
    f_components TEXT, f_buffers TEXT, f_skipped TEXT, f_create_time INTEGER,
    PRIMARY KEY (f_party_model_id, f_model_version))`,
  `CREATE INDEX IF NOT EXISTS idx_pipeline_model_party ON ${T_PIPELINE_MODEL} (f_role, f_party_id)`,
];
