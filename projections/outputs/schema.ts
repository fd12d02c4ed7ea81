// What each component task produced: its first output data table and its output model.
export const T_OUTPUT_DATA = 't_output_data';
export const T_OUTPUT_MODEL = 't_output_model';

export const outputsSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_OUTPUT_DATA} (
    f_job_id TEXT NOT NULL, f_component_name TEXT NOT NULL, f_task_id TEXT, f_role TEXT NOT NULL, f_party_id TEXT NOT NULL,
    f_data_name TEXT, f_table_namespace TEXT, f_table_name TEXT, f_location TEXT, f_count INTEGER, f_schema TEXT, f_create_time INTEGER,
    PRIMARY KEY (f_job_id, f_component_name, f_role, f_party_id))`,
  `CREATE TABLE IF NOT EXISTS ${T_OUTPUT_MODEL} (
    f_job_id TEXT NOT NULL, f_component_name TEXT NOT NULL, f_task_id TEXT, f_role TEXT NOT NULL, f_party_id TEXT NOT NULL,
    f_module TEXT, f_alias TEXT, f_buffers TEXT, f_create_time INTEGER,
    PRIMARY KEY (f_job_id, f_component_name, f_role, f_party_id))`,
];
