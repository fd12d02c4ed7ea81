// t_table: the party-local tables this node holds and where their rows live.
export const T_TABLE = 't_table';

export const tableSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_TABLE} (
    f_namespace TEXT NOT NULL, f_name TEXT NOT NULL, f_location TEXT, f_partition INTEGER,
    f_count INTEGER, f_count_upload INTEGER, f_meta TEXT, f_job_id TEXT,
    f_create_time INTEGER, f_update_time INTEGER,
    PRIMARY KEY (f_namespace, f_name))`,
];
