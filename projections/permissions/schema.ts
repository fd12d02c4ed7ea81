// t_permission: the privileges other parties hold on this node (one row per privilege), with who
// granted it and when.
export const T_PERMISSION = 't_permission';

export const permissionSchema = [
  `CREATE TABLE IF NOT EXISTS ${T_PERMISSION} (
    f_src_party_id TEXT NOT NULL, f_src_role TEXT NOT NULL, f_type TEXT NOT NULL, f_value TEXT NOT NULL,
    f_granted_by TEXT, f_grant_time INTEGER,
    PRIMARY KEY (f_src_party_id, f_src_role, f_type, f_value))`,
];
