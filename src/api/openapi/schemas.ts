// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what /v1 reads and answers. The envelope is
// FATE's: retcode always, every other key dropped when falsy (so `data` is never required), and
// the payload only promised on success — `if retcode is 0 then data is …` (JSON Schema's if/then).
// Rows keep additionalProperties open: a FATE column added to a view must not break clients.

export type Schema = Record<string, unknown>;

export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
export const num: Schema = { type: 'number' };
export const bool: Schema = { type: 'boolean' };
export const obj: Schema = { type: 'object' };
export const any: Schema = {};
/** A party id: FATE clients send and read it as a number or a string. */
export const partyId: Schema = { type: ['string', 'integer'] };
/** A TEXT column of a view (NULL until set). */
export const text: Schema = { type: ['string', 'null'] };
export const ms: Schema = { type: ['integer', 'null'], description: 'milliseconds since the epoch' };

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
export const mapOf = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });
export const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });

export function object(properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema {
  return { type: 'object', properties, ...(required.length ? { required } : {}), ...extra };
}

/** FATE's answer with `data` (and `meta`, `jobId`) shaped when retcode is 0. */
export function envelope(success: { data?: Schema; meta?: Schema; jobId?: boolean } = {}): Schema {
  const then: Record<string, Schema> = {};
  if (success.data) then.data = success.data;
  if (success.meta) then.meta = success.meta;
  if (success.jobId) then.jobId = str;
  return {
    allOf: [ref('Envelope')],
    ...(Object.keys(then).length ? { if: { properties: { retcode: { const: 0 } } }, then: { properties: then } } : {}),
  };
}

const jobRow = object(
  {
    f_job_id: str, f_name: text, f_description: text, f_tag: text, f_role: str, f_party_id: partyId, f_is_initiator: { type: ['integer', 'boolean', 'null'] },
    f_initiator_party_id: nullable(partyId), f_status: str, f_progress: { type: ['integer', 'number', 'null'] }, f_current_steps: any, f_current_tasks: any,
    f_dsl: text, f_runtime_conf: text, f_train_runtime_conf: text, f_roles: text, f_work_mode: { type: ['integer', 'null'] }, f_run_ip: text,
    f_create_time: ms, f_update_time: ms, f_start_time: ms, f_end_time: ms, f_elapsed: ms, f_reason: text,
  },
  ['f_job_id', 'f_role', 'f_party_id', 'f_status'],
);
const taskRow = object(
  {
    f_job_id: str, f_component_name: str, f_task_id: str, f_role: str, f_party_id: partyId, f_status: str, f_operator: text,
    f_run_ip: text, f_run_pid: { type: ['integer', 'null'] }, f_create_time: ms, f_update_time: ms, f_start_time: ms, f_end_time: ms, f_elapsed: ms,
  },
  ['f_job_id', 'f_component_name', 'f_task_id', 'f_role', 'f_party_id', 'f_status'],
);
const role = mapOf(arrayOf(partyId));
const party = object({ role: str, party_id: partyId }, ['role', 'party_id']);
const jobFiles = object({ job_dsl_path: str, job_runtime_conf_path: str, board_url: str, logs_directory: str });
const auditEvent = object(
  { position: str, stream: str, type: str, revision: any, data: any, metadata: any, recorded: any },
  ['position', 'type'],
);
const timelineEntry = object(
  { position: str, at: num, time: str, party: { type: ['string', 'null'] }, event: str, what: str, actor: str, correlation_id: { type: ['string', 'null'] }, duration_ms: num, details: obj },
  ['position', 'at', 'time', 'party', 'event', 'what', 'actor'],
);

/** components.schemas of the document. */
export const SCHEMAS: Record<string, Schema> = {
  Envelope: object(
    { retcode: { type: 'integer', description: '0 success; 100 error; 101 not found; 108 permission; 109 authentication; others passed through from serving' }, retmsg: str, data: any, meta: any, jobId: str },
    ['retcode'],
  ),
  JobRow: jobRow,
  TaskRow: taskRow,
  Role: role,
  Party: party,
  JobFiles: jobFiles,
  AuditEvent: auditEvent,
  TimelineEntry: timelineEntry,
  /** A metric series: [key, value] pairs. */
  MetricData: arrayOf({ type: 'array', minItems: 2, maxItems: 2 }),
  ModelLoadRequest: object({ initiator: party, role, job_parameters: object({ work_mode: { type: ['integer', 'string'] }, model_id: str, model_version: { type: ['string', 'integer'] } }), servings: any }, ['initiator', 'role', 'job_parameters']),
  JobFilter: object({ job_id: str, role: str, party_id: partyId, status: str, as_of: { type: ['string', 'integer'] } }),
  ComponentScope: object({ job_id: str, component_name: str, role: str, party_id: partyId }, ['job_id', 'component_name']),
  PermissionPrivilege: object(
    { src_party_id: partyId, src_role: str, privilege_role: { type: ['string', 'array'] }, privilege_command: { type: ['string', 'array'] }, privilege_component: { type: ['string', 'array'] } },
    ['src_party_id'],
  ),
  PermissionDataset: object({ party_id: partyId, component: { type: ['string', 'array'] }, dataset: { type: ['string', 'array'] } }, ['party_id']),
  Sse: { type: 'string', description: 'text/event-stream: `id:` (log position), `event:`, `data:` (JSON) lines' },
};
