// The OpenAPI 3.1 document of every /v1 endpoint (served at GET /v1/openapi.json and committed as
// docs/openapi.json; a test keeps the two equal and checks that every route of the Koa router is
// here). Request bodies and answers are JSON Schema 2020-12 (schemas.ts).
import { VERSION_ENV } from '../routes/version.js';
import {
  any, arrayOf, bool, envelope, int, mapOf, obj, object, partyId, ref, SCHEMAS, str, type Schema,
} from './schemas.js';

interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly request?: Schema;
  /** The JSON answer (HTTP 200). */
  readonly answer?: Schema;
  /** A non-JSON answer: its content type and a schema of it. */
  readonly content?: Record<string, Schema>;
  /** GET query parameters. */
  readonly query?: Record<string, Schema>;
}

const ok = envelope();
const jobId = object({ job_id: str }, ['job_id']);
const tableName = object({ namespace: str, table_name: str }, ['namespace', 'table_name']);
const scope = ref('ComponentScope');
const sse = { 'text/event-stream': ref('Sse') };
const tarGz = { 'application/gzip': { type: 'string', contentMediaType: 'application/gzip' } };

const OPERATIONS: readonly Operation[] = [
  // data
  {
    method: 'post', path: '/data/upload', tag: 'data', summary: 'Upload a file into a table (JSON with a server path, or multipart with the file and the fields in the query string)',
    request: object({ file: str, head: { type: ['integer', 'string'] }, partition: { type: ['integer', 'string'] }, work_mode: { type: ['integer', 'string'] }, namespace: str, table_name: str, drop: int, in_version: bool, use_local_data: int }, ['namespace', 'table_name']),
    answer: envelope({ jobId: true, data: object({ table_name: str, namespace: str, job_dsl_path: str, job_runtime_conf_path: str, board_url: str, logs_directory: str }) }),
  },
  {
    method: 'post', path: '/data/download', tag: 'data', summary: 'Write a table to a file on the node',
    request: object({ namespace: str, table_name: str, output_path: str, work_mode: { type: ['integer', 'string'] }, delimitor: str }, ['namespace', 'table_name', 'output_path']),
    answer: envelope({ jobId: true, data: object({ job_dsl_path: str, job_runtime_conf_path: str, board_url: str, logs_directory: str, output_path: str }) }),
  },
  {
    method: 'post', path: '/data/upload/history', tag: 'data', summary: 'Successful uploads, newest first',
    request: object({ job_id: str, limit: int }),
    answer: envelope({ data: arrayOf(mapOf(object({ upload_info: object({ table_name: str, namespace: str, partition: any, upload_count: any, actual_count: any }), notes: any, meta: any }, ['upload_info']))) }),
  },
  // job
  {
    method: 'post', path: '/job/submit', tag: 'job', summary: 'Submit a job (DSL v1 + runtime conf v1)',
    request: object({ job_dsl: obj, job_runtime_conf: obj }, ['job_runtime_conf']),
    answer: envelope({ jobId: true, data: object({ job_dsl_path: str, job_runtime_conf_path: str, board_url: str, logs_directory: str, model_info: object({ model_id: str, model_version: str }) }, ['model_info']) }),
  },
  { method: 'post', path: '/job/stop', tag: 'job', summary: 'Stop a job on every party', request: jobId, answer: ok },
  { method: 'post', path: '/job/stop/do', tag: 'job', summary: "Stop a job on this node's parties (FATE's per-party call)", request: jobId, answer: ok },
  { method: 'post', path: '/job/query', tag: 'job', summary: 'Job rows (t_job) matching the filters; as_of answers as the log was then', request: ref('JobFilter'), answer: envelope({ data: arrayOf(ref('JobRow')) }) },
  { method: 'post', path: '/job/task/query', tag: 'job', summary: 'Task rows (t_task) matching the filters', request: object({ job_id: str, component_name: str, task_id: str, role: str, party_id: partyId, status: str, as_of: any }), answer: envelope({ data: arrayOf(ref('TaskRow')) }) },
  { method: 'post', path: '/job/update', tag: 'job', summary: "Set a job's notes", request: object({ job_id: str, role: str, party_id: partyId, notes: str }, ['job_id', 'role', 'party_id']), answer: ok },
  {
    method: 'post', path: '/job/config', tag: 'job', summary: "A job's DSL, runtime conf and model info", request: ref('JobFilter'),
    answer: envelope({ data: object({ job_id: str, dsl: obj, runtime_conf: obj, train_runtime_conf: { type: ['object', 'null'] }, model_info: obj }, ['job_id', 'dsl', 'runtime_conf']) }),
  },
  { method: 'post', path: '/job/data/view/query', tag: 'job', summary: 'Data view rows (t_data_view)', request: object({ job_id: str, role: str, party_id: partyId, component_name: str }), answer: envelope({ data: arrayOf(object({ f_job_id: str }, ['f_job_id'])) }) },
  { method: 'post', path: '/job/clean', tag: 'job', summary: "Delete a job's output tables (optionally of one role, party or component)", request: object({ job_id: str, role: str, party_id: partyId, component_name: str }, ['job_id']), answer: envelope({ data: object({ tables: arrayOf(str) }) }) },
  { method: 'post', path: '/job/clean/queue', tag: 'job', summary: 'Cancel every waiting job', request: obj, answer: envelope({ data: any }) },
  { method: 'get', path: '/job/log', tag: 'job', summary: "The job's task logs as tar.gz (GET with a JSON body or the query string)", query: { job_id: str }, content: tarGz, answer: ok },
  // tracking
  { method: 'post', path: '/tracking/job/data_view', tag: 'tracking', summary: "A job's partners, datasets and roles", request: object({ job_id: str, role: str, party_id: partyId }, ['job_id']), answer: envelope({ data: object({ partner: obj, dataset: obj, roles: obj, model_summary: obj }, ['dataset', 'roles']) }) },
  { method: 'post', path: '/tracking/component/metrics', tag: 'tracking', summary: 'Metric names by namespace', request: scope, answer: envelope({ data: mapOf(arrayOf(str)) }) },
  { method: 'post', path: '/tracking/component/metric_data', tag: 'tracking', summary: 'One metric: [key, value] pairs sorted by key, and its meta', request: { allOf: [scope, object({ metric_namespace: str, metric_name: str }, ['metric_namespace', 'metric_name'])] }, answer: envelope({ data: ref('MetricData'), meta: object({ name: any, metric_type: any }) }) },
  { method: 'post', path: '/tracking/component/metric/all', tag: 'tracking', summary: 'Every metric of a component', request: scope, answer: envelope({ data: mapOf(mapOf(object({ data: ref('MetricData'), meta: obj }, ['data', 'meta']))) }) },
  { method: 'post', path: '/tracking/component/metric/delete', tag: 'tracking', summary: "Delete a job's (or a day's) metrics", request: object({ job_id: str, date: { type: ['string', 'integer'] } }), answer: envelope({ data: any }) },
  { method: 'post', path: '/tracking/component/parameters', tag: 'tracking', summary: "A component's merged parameters for one party", request: scope, answer: envelope({ data: object({ module: str }, ['module']) }) },
  { method: 'post', path: '/tracking/component/output/model', tag: 'tracking', summary: "A component's model buffers as JSON (Param in data, Meta in meta)", request: scope, answer: envelope({ data: obj, meta: object({ meta_data: obj, module_name: str }, ['module_name']) }) },
  { method: 'post', path: '/tracking/component/output/data', tag: 'tracking', summary: "The first rows of a component's output table", request: scope, answer: envelope({ data: arrayOf({ type: 'array' }), meta: object({ header: arrayOf(any), total: int }, ['header']) }) },
  { method: 'post', path: '/tracking/component/output/data/table', tag: 'tracking', summary: "Name of a component's output table", request: scope, answer: envelope({ data: object({ table_name: str, table_namespace: str }, ['table_name', 'table_namespace']) }) },
  { method: 'get', path: '/tracking/component/output/data/download', tag: 'tracking', summary: "A component's output table as CSV + meta in a tar.gz", query: { job_id: str, component_name: str, role: str, party_id: partyId, limit: int, head: any }, content: tarGz, answer: ok },
  // pipeline
  {
    method: 'post', path: '/pipeline/dag/dependency', tag: 'pipeline', summary: "A job's DAG for one party",
    request: object({ job_id: str, role: str, party_id: partyId, job_dsl: obj, job_runtime_conf: obj }, ['role', 'party_id']),
    answer: envelope({ data: object({ component_list: arrayOf(str), dependencies: mapOf(arrayOf(object({ component_name: str, type: str }, ['component_name', 'type']))), component_module: mapOf(str), component_need_run: mapOf(bool) }, ['component_list', 'component_module']) }),
  },
  // model
  { method: 'post', path: '/model/load', tag: 'model', summary: "Load a model into every party's serving", request: ref('ModelLoadRequest'), answer: envelope({ jobId: true, data: object({ detail: mapOf(mapOf(object({ retcode: int, retmsg: str }))) }, [], { additionalProperties: any }) }) },
  { method: 'post', path: '/model/load/do', tag: 'model', summary: "Load a model into this party's serving (called by the initiator)", request: { allOf: [ref('ModelLoadRequest'), object({ local: ref('Party') }, ['local'])] }, answer: ok },
  { method: 'post', path: '/model/bind', tag: 'model', summary: 'Bind a loaded model to a service id', request: { allOf: [ref('ModelLoadRequest'), object({ service_id: { type: ['string', 'integer'] } }, ['service_id'])] }, answer: ok },
  { method: 'post', path: '/model/transfer', tag: 'model', summary: "A party model's buffers, base64 protobuf (called by serving)", request: object({ name: str, namespace: str, as_of: any }, ['name', 'namespace']), answer: envelope({ data: mapOf(str) }) },
  {
    method: 'post', path: '/model/query', tag: 'model', summary: "Party models of a model version with their servings, bound service ids and last load (FATE 1.6's filters; as_of)",
    request: object({ model_version: str, model_id: str, role: str, party_id: partyId, as_of: any }, ['model_version']),
    answer: envelope({ data: arrayOf(obj) }),
  },
  // table
  { method: 'post', path: '/table/table_info', tag: 'table', summary: "A table's count, partitions and schema", request: object({ table_name: str, namespace: str, create: bool, as_of: any }), answer: envelope({ data: object({ table_name: str, namespace: str, count: int, partition: { type: ['integer', 'null'] }, schema: obj }, ['table_name', 'namespace']) }) },
  { method: 'post', path: '/table/delete', tag: 'table', summary: 'Delete a table, or the tables of data views', request: object({ table_name: str, namespace: str, job_id: str, role: str, party_id: partyId, component_name: str }), answer: envelope({ data: arrayOf(object({ table_name: str, namespace: str }, ['table_name', 'namespace'])) }) },
  { method: 'post', path: '/table/{other}', tag: 'table', summary: "Any other table command answers success (FATE's table_api)", request: obj, answer: ok },
  // permission
  { method: 'post', path: '/permission/grant/privilege', tag: 'permission', summary: 'Grant a party role, command and component privileges (FATE 1.4)', request: ref('PermissionPrivilege'), answer: ok },
  { method: 'post', path: '/permission/delete/privilege', tag: 'permission', summary: 'Revoke privileges (FATE 1.4)', request: ref('PermissionPrivilege'), answer: ok },
  {
    method: 'post', path: '/permission/query/privilege', tag: 'permission', summary: "A party's privileges", request: object({ src_party_id: partyId, src_role: str }, ['src_party_id']),
    answer: envelope({ data: object({ src_party_id: str, role: { type: ['string', 'null'] }, privilege_role: arrayOf(str), privilege_command: arrayOf(str), privilege_component: arrayOf(str), privilege_dataset: arrayOf(any), grants: arrayOf(obj) }, ['src_party_id']) }),
  },
  { method: 'post', path: '/permission/grant', tag: 'permission', summary: 'Grant components and datasets (FATE-Flow 1.11)', request: ref('PermissionDataset'), answer: ok },
  { method: 'post', path: '/permission/delete', tag: 'permission', summary: 'Revoke components and datasets (FATE-Flow 1.11)', request: ref('PermissionDataset'), answer: ok },
  { method: 'post', path: '/permission/query', tag: 'permission', summary: "A party's components and datasets", request: object({ party_id: partyId }, ['party_id']), answer: envelope({ data: object({ component: arrayOf(str), dataset: arrayOf(any) }) }) },
  // version
  { method: 'post', path: '/version/get', tag: 'version', summary: 'The version of a module (FATE, FEDFLOW)', request: object({ module: str }), answer: envelope({ data: mapOf({ type: ['string', 'null'] }) }) },
  // audit
  {
    method: 'post', path: '/audit/events', tag: 'audit', summary: 'Events of the log with filters and cursor paging',
    request: object({ job_id: str, stream: str, actor: str, correlation_id: str, model_id: str, model_version: str, table: obj, event_types: { type: ['array', 'string'] }, start_time: any, end_time: any, from_position: any, to_position: any, limit: int, order: { enum: ['oldest', 'newest'] }, cursor: any }),
    answer: envelope({ data: object({ events: arrayOf(ref('AuditEvent')), count: int, next_cursor: { type: ['string', 'null'] }, order: str }, ['events', 'count']) }),
  },
  { method: 'get', path: '/audit/stream', tag: 'audit', summary: 'The log live as server-sent events (resume with Last-Event-ID or from)', query: { job_id: str, stream: str, actor: str, type: str, from: str }, content: sse },
  {
    method: 'post', path: '/audit/job/receipts', tag: 'audit', summary: "A cluster job's signed party receipts, each checked against the federation CA: did every party sign, and do they agree?",
    request: jobId, answer: envelope({ data: obj }),
  },
  { method: 'post', path: '/audit/job/timeline', tag: 'audit', summary: "A job's story on this node: what happened, to which party, by whom", request: jobId, answer: envelope({ data: object({ job_id: str, timeline: arrayOf(ref('TimelineEntry')) }, ['job_id', 'timeline']) }) },
  // board
  {
    method: 'get', path: '/board/jobs', tag: 'board', summary: 'One page of jobs with filters, the total and counts by status', query: { page: int, size: int, status: str, role: str, party: str, q: str },
    answer: envelope({ data: object({ total: int, page: int, size: int, rows: arrayOf(object({ f_job_id: str, f_status: str }, ['f_job_id'])), counts: mapOf(int) }, ['total', 'rows']) }),
  },
  { method: 'get', path: '/board/tables', tag: 'board', summary: 'Every table of this node', answer: envelope({ data: arrayOf(object({ f_namespace: str, f_name: str }, ['f_namespace', 'f_name'])) }) },
  {
    method: 'get', path: '/board/models', tag: 'board', summary: 'Stored party models with their latest load and their bindings per serving',
    answer: envelope({ data: arrayOf(object({ f_model_id: str, f_model_version: str, load_status: { type: ['string', 'null'] }, servings: arrayOf(object({ serving: str, load_status: { type: ['string', 'null'] }, bind_status: { type: ['string', 'null'] }, service_ids: arrayOf(str) }, ['serving'])) }, ['f_model_id', 'f_model_version'])) }),
  },
  {
    method: 'get', path: '/board/evaluation', tag: 'board', summary: "Confusion matrix and score distribution of the predictions an Evaluation component read (this party's labels)",
    query: { job_id: str, component_name: str, role: str, party_id: str },
    answer: envelope({ data: object({ models: arrayOf(object({ component: str, type: str, total: int, classes: arrayOf(str), confusion: arrayOf(arrayOf(int)), distribution: object({ edges: arrayOf({ type: 'number' }), series: arrayOf(object({ label: str, counts: arrayOf(int) }, ['label', 'counts'])) }, ['edges', 'series']) }, ['component', 'type', 'classes', 'confusion', 'distribution'])) }, ['models']) }),
  },
  {
    method: 'get', path: '/board/session', tag: 'board', summary: "Who the board is logged in as (and the session's CSRF token); auth off when the node has no app keys",
    answer: envelope({ data: object({ auth: { enum: ['on', 'off'] }, app_key: str, role: str, csrf_token: str, expires: int }, ['auth']) }),
  },
  {
    method: 'post', path: '/board/session', tag: 'board', summary: 'Open a board session: a request signed with the app key sets an HttpOnly session cookie and answers a CSRF token for the x-fedflow-csrf header',
    request: obj, answer: envelope({ data: object({ auth: { enum: ['on', 'off'] }, app_key: str, role: str, csrf_token: str, expires: int }, ['auth']) }),
  },
  { method: 'post', path: '/board/session/end', tag: 'board', summary: 'End the board session (log out)', request: obj, answer: ok },
  { method: 'get', path: '/board/events', tag: 'board', summary: 'Which job and component changed, live (server-sent events fed by the views)', query: { from: str }, content: sse },
  { method: 'get', path: '/openapi.json', tag: 'meta', summary: 'This document', content: { 'application/json': obj } },
];

/** Koa router paths of the operations (`{other}` → `:other`), for the coverage check. */
export const DOCUMENTED_ROUTES: readonly string[] = OPERATIONS.map((o) => `${o.method.toUpperCase()} /v1${o.path.replace(/\{(\w+)\}/g, ':$1')}`);

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of OPERATIONS) {
    const responses: Record<string, unknown> = {};
    const content: Record<string, unknown> = {};
    if (o.answer) content['application/json'] = { schema: o.answer };
    for (const [type, schema] of Object.entries(o.content ?? {})) content[type] = { schema };
    responses['200'] = { description: o.answer ? 'FATE envelope: retcode 0 on success; errors are HTTP 200 with a non-zero retcode' : 'the stream or file', content };
    responses['400'] = { description: 'bad request (a malformed JSON body, a bad query parameter)', content: { 'application/json': { schema: ref('Envelope') } } };
    const parameters = Object.entries(o.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
    const pathParams = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }));
    paths[`/v1${o.path}`] = {
      ...paths[`/v1${o.path}`],
      [o.method]: {
        operationId: `${o.method}${o.path.replace(/[{}]/g, '').replace(/[/_](\w)/g, (_, c: string) => c.toUpperCase())}`,
        tags: [o.tag],
        summary: o.summary,
        ...(parameters.length || pathParams.length ? { parameters: [...pathParams, ...parameters] } : {}),
        ...(o.request ? { requestBody: { required: true, content: { 'application/json': { schema: o.request } } } } : {}),
        responses,
      },
    };
  }
  cached = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'fedflow /v1 (FATE-Flow 1.4 compatible)',
      version: VERSION_ENV.FEDFLOW ?? 'unknown',
      description:
        'Every JSON endpoint answers FATE\'s envelope {retcode, retmsg, data, meta, jobId} with falsy keys omitted. Application errors are HTTP 200 with a non-zero retcode. When app keys are configured, requests carry FATE-Flow 1.11\'s signature headers (TIMESTAMP, NONCE, APP_KEY, SIGNATURE).',
    },
    servers: [{ url: '/' }],
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        fateSignature: { type: 'apiKey', in: 'header', name: 'SIGNATURE', description: 'base64(HMAC-SHA1(secret, TIMESTAMP\\nNONCE\\nAPP_KEY\\npath?query\\nJSON body\\nsorted form)) with TIMESTAMP, NONCE and APP_KEY headers' },
      },
    },
    security: [{}, { fateSignature: [] }],
    paths,
  };
  return cached;
}
