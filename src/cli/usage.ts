// Help texts for `fedflow --help` and `fedflow <command> --help`.
import type { CommandName } from './args.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:9380';

const GLOBAL = `Usage: fedflow <command> [options]
       fedflow -f <fate_function> [options]        (fate_flow_client.py style)

Commands:
  node              run a fedflow node (serves the FATE-Flow v1 HTTP API)
  views rebuild     rebuild the read views from the event log (node stopped)
  certs init        create a federation CA and per-party TLS certificates
  upload            upload a CSV file into a table            (-f upload)
  download          export a table to a file on the server    (-f download)
  upload-history    list successful uploads                   (-f upload_history)
  table-info        show a table's count, partitions, schema  (-f table_info)
  table-delete      delete a table or the tables of a job     (-f table_delete)
  job-query         show the status rows of a job             (-f query_job)
  submit-job        submit a job from a conf and a DSL        (-f submit_job)
  stop-job          cancel or kill a job                      (-f stop_job)
  query-task        show the task rows of a job               (-f query_task)
  job-config        save a job's DSL and confs into a dir     (-f job_config)
  update-job        set the notes of a job                    (-f update_job)
  dag-dependency    component order and dependencies of a job (-f dag_dependency)
  load              publish a model to the parties' servings  (-f load)
  bind              bind a service id to the initiator model  (-f bind)
  grant-privilege   grant another party privileges here  (-f grant_privilege)
  delete-privilege  revoke them  (-f delete_privilege)
  query-privilege   list a party's privileges here  (-f query_privilege)
  serving           run a serving node (online inference; 'fedflow serving --help')
  predict           one online inference at a serving node ('fedflow predict --help')
  testsuite         run FATE testsuite files ('fedflow testsuite --help')
  events            the event log: filters, --follow, --json (audit)
  job-timeline      one job's story on this node: who did what, in order (-j <job_id>)
  audit verify      re-hash the event log and check its signed checkpoints (--data-dir)
  events export     the log (or -j a job's part) as NDJSON with hashes and checkpoints
  replay            a fresh data dir from an export (<export> --data-dir DIR); --check: views and commands vs log
  audit job         a cluster job's signed party receipts: verified, agreed? (-j)
  job-log           download a job's task logs into a dir     (-f job_log)
  data-view-query   show a job's output tables per party      (-f data_view_query)
  clean-job         delete a job's output tables and metrics  (-f clean_job)
  clean-queue       cancel every job waiting in the queue     (-f clean_queue)
  component-metric-delete  delete a job's metrics             (-f component_metric_delete)

Tracking commands, all -j <job_id> -cpn <component> [-r <role> -p <party_id>]
(FATE style: -f component_parameters, -f component_metric_all, ...):
  component-parameters         the component's merged parameters
  component-metrics            its metric namespaces and names
  component-metric-all         every metric with its data points and meta
  component-metric-data        one metric (--namespace <ns> --name <name>)
  component-output-model       its output model as JSON
  component-output-data        its first output rows (a table on a terminal)
  component-output-data-table  the name and namespace of its output data table

Global options:
  --server <url>    flow server (env FEDFLOW_SERVER, default ${DEFAULT_SERVER})
  -h, --help        show help; 'fedflow <command> --help' for a command

Client commands print the server's answer {retcode, retmsg, data, jobId} as
2-space JSON on stdout; progress and messages go to stderr. Single-dash long
options (-drop, -limit, -cpn) and underscore names (--job_id) are accepted.
Exit status: 0 success, 1 failure (retcode != 0, job not successful, server
unreachable), 2 command-line error.
`;

const NODE_FLAGS = `  -c, --config <file.json>   node config file (keys of NodeConfig)
  --host <host>              bind address (env FEDFLOW_HOST, default 127.0.0.1)
  --port <port>              HTTP port (env FEDFLOW_HTTP_PORT, default 9380; 0 = any)
  --data-dir <dir>           event log, views and tables (env FEDFLOW_DATA_DIR, default ./.fedflow)
  -w, --work-mode <0|1>      0 standalone, 1 cluster (env FEDFLOW_WORK_MODE, default 0)
  --event-store <store>      sqlite | memory | esdb://... (env FEDFLOW_EVENT_STORE, default sqlite)
  --data-root <dir>          allowed server-side data directory; repeatable (env FEDFLOW_DATA_ROOTS)
  --log-level <level>        fatal|error|warn|info|debug|trace|silent (env FEDFLOW_LOG_LEVEL)
Cluster mode (work_mode 1; node only):
  -p, --party-id <id>        the party this node hosts (env FEDFLOW_PARTY_ID)
  --grpc-port <port>         party-to-party gRPC port (env FEDFLOW_GRPC_PORT, default 9360; 0 = any)
  --route-table <file.json>  party id -> host:port, FATE's route_table.json shape (env FEDFLOW_ROUTE_TABLE)
  --tls-ca, --tls-cert, --tls-key <file>  this party's files from 'fedflow certs init'
  --insecure                 plain-text gRPC without certificates (local tests only)
Model serving (node only):
  --serving <[party_id=]host:port>  FATE-Serving address for /v1/model/load and bind; repeatable.
                             Without party_id: every party of the node; with it: that party only
                             (env FEDFLOW_SERVINGS: JSON, or a comma-separated list of either form)
Security (node only):
  --app-key <key:secret[:role]>  a client app key for signed /v1 requests (FATE-Flow 1.11 headers
                             TIMESTAMP, NONCE, APP_KEY, SIGNATURE); role admin (default), user or
                             reader; repeatable (env FEDFLOW_APP_KEYS, comma-separated). Clients:
                             FEDFLOW_APP_KEY and FEDFLOW_APP_SECRET make the fedflow CLI sign.
  --insecure-http            serve /v1 without app keys in cluster mode or off loopback
  --http-tls-cert, --http-tls-key <file>  HTTPS for /v1 (the key file must be mode 0600)
  --permission <on|off>      check other parties' privileges on their job commands
                             (env FEDFLOW_PERMISSION; default on in cluster mode, off standalone)
Tasks (node only):
  --partition-workers <n>    worker threads a task may make and write its output partitions on
                             (DataIO over a big upload; env FEDFLOW_PARTITION_WORKERS; default:
                             the cores over the component's parties on this node, at least 1)
Audit (node only):
  --read-only                serve the queries of an existing data dir (a replayed export) and
                             refuse every write; no scheduler, workers or federation start, the
                             log is opened read-only (env FEDFLOW_READ_ONLY)
Limits (node only; each also FEDFLOW_<NAME> in upper snake case, or "limits": {...} in the config file):
  --http-headers-timeout-ms <n>     request headers must arrive within n ms (default 20000; answers 408)
  --http-request-timeout-ms <n>     the whole request within n ms (default 1800000; 0 = none)
  --http-keep-alive-timeout-ms <n>  idle keep-alive connections close after n ms (default 5000)
  --grpc-max-message-bytes <n>      largest party message or data-plane chunk (default 8388608)
  --grpc-max-calls-per-peer <n>     calls one party may have open at once (default 64)
  --grpc-messages-per-second-per-peer <n>  messages one party may send per second (default 2000)
  --grpc-max-inflight-bytes-per-peer <n>   unfinished object bytes buffered per party (default 536870912)
  --grpc-stream-idle-ms <n>         a data-plane stream silent this long is cancelled (default 60000)
  --party-timeout-seconds <n>       a party of a running job unreachable this long fails it
                                    (default 120; job_parameters.party_timeout overrides per job)
  --heartbeat-interval-ms <n>       how often nodes of a running job ping each other (default 5000)
  --max-dsl-components <n>          components per submitted DSL (default 200)
  --max-parties-per-job <n>         party ids in a job's role assignment (default 64)
  --max-concurrent-uploads <n>      uploads received at once (default 8)
Precedence: defaults < config file < environment < flags.
`;

function tracking(command: string, path: string, what: string, extraUsage = '', extraFlags = ''): string {
  return `Usage: fedflow ${command} -j <job_id> -cpn <component> [-r <role> -p <party_id>]${extraUsage}
       fedflow -f ${command.replace(/-/g, '_')} -j <job_id> -r <role> -p <party_id> -cpn <component>${extraUsage}

${what}
Endpoint: POST ${path}
Without -r/-p the server answers for the job's initiator; on another party's
server give that party's own role and party id.
  -j, --job-id <job_id>          (required)
  -cpn, --component-name <name>  (required)
  -r, --role <role>              with -p
  -p, --party-id <party_id>      with -r
${extraFlags}  --server <url>                 flow server (env FEDFLOW_SERVER)
`;
}

const COMMAND_USAGE: Readonly<Record<CommandName, string>> = {
  node: `Usage: fedflow node [options]

Runs a node until SIGINT/SIGTERM.
${NODE_FLAGS}`,
  'views rebuild': `Usage: fedflow views rebuild [options]

Drops every read view and replays the whole event log into them.
The node using the same data dir must be stopped.
${NODE_FLAGS}`,
  'certs init': `Usage: fedflow certs init [--dir <dir>] [--party <id>]... [--cert-host <host>]... [--force]

Creates a federation CA (ca.crt, ca.key) in --dir (default ./certs) and, for each
--party (default 9999, 10000, 10001), party-<id>.crt and party-<id>.key signed by it.
The party id is in the certificate (SAN URI fedflow:party/<id>, CN party-<id>);
nodes accept a message only when its source party matches the sender's certificate.
Needs openssl. An existing CA and existing party files are kept unless --force.
  --dir <dir>                output directory (default ./certs)
  --party <id>               a party id; repeatable
  --cert-host <host>         extra DNS name or IP of the nodes; repeatable
  --force                    replace existing files
`,
  upload: `Usage: fedflow upload -c <conf.json> [--drop 0|1] [--no-wait] [--json-mode]
       fedflow -f upload -c <conf.json> [-drop 0|1]

Uploads a file into a table (POST /v1/data/upload), then waits for the job.
conf.json: {"file", "head", "partition", "work_mode", "namespace", "table_name"}
  plus optional "drop" and "use_local_data".
If "file" exists on this machine (relative paths: conf file's directory, then
the current directory) it is streamed as multipart/form-data; otherwise, or with
"use_local_data": 0 or --json-mode, the path is sent as JSON for the server to read.
  -c, --config <conf.json>   the upload conf (required)
  --drop <0|1>               1: delete the table first, 0: add to it (overrides conf)
  -n, -t, -w <value>         override namespace, table_name, work_mode
  --json-mode                send JSON (server-side file path) even if the file is local
  --no-wait                  do not wait for the job to finish
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  download: `Usage: fedflow download -c <conf.json> [--no-wait]
       fedflow -f download -c <conf.json>

Exports a table to a file on the server (POST /v1/data/download), then waits.
conf.json: {"namespace", "table_name", "output_path", "work_mode"} plus optional
"delimitor"; a relative output_path is made absolute against the current directory.
  -c, --config <conf.json>   the download conf (required)
  -n, -t, -w <value>         override namespace, table_name, work_mode
  --no-wait                  do not wait for the job to finish
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  'upload-history': `Usage: fedflow upload-history [-j <job_id>] [--limit <n>]
       fedflow -f upload_history [-j <job_id>] [-limit <n>]

Lists successful uploads, newest first (POST /v1/data/upload/history).
  -j, --job-id <job_id>      only this upload job
  --limit <n>                at most n entries (0 = all)
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  'table-info': `Usage: fedflow table-info -n <namespace> -t <table_name>
       fedflow -f table_info -n <namespace> -t <table_name>

Shows a table's row count, partitions and schema (POST /v1/table/table_info).
  -n, --namespace <namespace>    (required)
  -t, --table-name <table_name>  (required)
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'table-delete': `Usage: fedflow table-delete -n <namespace> -t <table_name>
       fedflow table-delete -j <job_id> [-r <role>] [-p <party_id>] [-cpn <component>]
       fedflow -f table_delete ...

Deletes one table, or every table produced by the matching job tasks
(POST /v1/table/delete).
  -n, --namespace <namespace>    with -t: the table to delete
  -t, --table-name <table_name>
  -j, --job-id <job_id>          delete the output tables of this job
  -r, --role <role>              ... restricted to this role
  -p, --party-id <party_id>      ... this party
  -cpn, --component-name <name>  ... this component
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'job-query': `Usage: fedflow job-query -j <job_id> [-r <role>] [-p <party_id>] [-s <status>]
       fedflow query-job ...
       fedflow -f query_job -j <job_id> ...

Shows the job rows matching the filters (POST /v1/job/query), without
f_dsl and f_runtime_conf. At least one filter is required.
  -j, --job-id <job_id>
  -r, --role <role>
  -p, --party-id <party_id>
  -s, --status <status>          waiting|running|success|failed|canceled|timeout
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'submit-job': `Usage: fedflow submit-job -c <conf.json> [-d <dsl.json>] [--wait]
       fedflow -f submit_job -c <conf.json> -d <dsl.json>

Submits a job (POST /v1/job/submit {job_dsl, job_runtime_conf}) and prints the
answer (jobId, data.model_info, board_url). -d may be left out only for a
predict job ("job_type": "predict" in job_parameters): the DSL sent is then {}.
With --wait, follows the job every 0.5 s (/v1/job/query for the initiator's row
and /v1/job/task/query): on a terminal one line per component with its status
per party under the job's progress bar, otherwise one line per status change,
all on stderr. Exit status 1 if the job does not end in success (its reason is
printed).
  -c, --config <conf.json>   the job runtime conf (required)
  -d, --dsl <dsl.json>       the job DSL (required unless a predict job)
  --wait                     wait for the job to end
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  'stop-job': `Usage: fedflow stop-job -j <job_id> [--operate kill]
       fedflow -f stop_job -j <job_id>

Stops a job (POST /v1/job/stop): a queued job is canceled, a running one killed.
  -j, --job-id <job_id>      (required)
  --operate kill             kill at once, without trying to cancel first
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  'query-task': `Usage: fedflow query-task -j <job_id> [-cpn <component>] [-r <role>] [-p <party_id>] [-s <status>]
       fedflow -f query_task -j <job_id> ...

Shows the task rows matching the filters (POST /v1/job/task/query).
At least one filter is required.
  -j, --job-id <job_id>
  -cpn, --component-name <name>
  -r, --role <role>
  -p, --party-id <party_id>
  -s, --status <status>          running|success|failed|timeout
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'job-config': `Usage: fedflow job-config -j <job_id> -r <role> -p <party_id> -o <dir>
       fedflow -f job_config -j <job_id> -r <role> -p <party_id> -o <dir>

Fetches a job's DSL and confs (POST /v1/job/config) and writes dsl.json,
runtime_conf.json, train_runtime_conf.json and model_info.json into
<dir>/job_<job_id>_config/ (created if needed). Prints the answer without the
DSL and confs, plus "directory".
  -j, --job-id <job_id>          (required)
  -r, --role <role>              (required)
  -p, --party-id <party_id>      (required)
  -o, --output-path <dir>        (required; relative to the current directory)
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'update-job': `Usage: fedflow update-job -j <job_id> -r <role> -p <party_id> --notes <text>
       fedflow -f update_job -j <job_id> -r <role> -p <party_id> --notes <text>   (or -f job_update)

Sets the notes (f_description) of one party's job row (POST /v1/job/update).
  -j, --job-id <job_id>          (required)
  -r, --role <role>              (required)
  -p, --party-id <party_id>      (required)
  --notes <text>                 (required)
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'dag-dependency': `Usage: fedflow dag-dependency -j <job_id> -r <role> -p <party_id>
       fedflow dag-dependency -c <conf.json> -d <dsl.json> -r <role> -p <party_id>
       fedflow -f dag_dependency ...

Shows the components of a job in run order, their dependencies, modules and
whether each runs on this party (POST /v1/pipeline/dag/dependency), for a
submitted job (-j) or for a conf and DSL not submitted yet (-c -d).
  -j, --job-id <job_id>          a submitted job
  -c, --config <conf.json>       or: a job runtime conf ...
  -d, --dsl <dsl.json>           ... and its DSL
  -r, --role <role>              (required)
  -p, --party-id <party_id>      (required)
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  load: `Usage: fedflow load -c <publish_load.json>
       fedflow -f load -c <publish_load.json>

Publishes a trained model to FATE-Serving (POST /v1/model/load): every party but
the arbiter loads its part on its serving addresses (each node's --serving).
conf: {"initiator": {"role", "party_id"}, "role": {"guest": ["9999"], ...},
       "job_parameters": {"work_mode", "model_id", "model_version"
                          [, "load_type", "file_path"]}}
The answer lists each party's code, with its serving's message under "detail";
any failure is retcode 101 "failed".
  -c, --config <conf.json>   the load conf (required)
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  bind: `Usage: fedflow bind -c <bind.json>
       fedflow -f bind -c <bind.json>

Binds a service id to the initiator's model on the initiator's serving addresses
(POST /v1/model/bind; the node's --serving, or "servings": ["host:port"] in the conf).
conf: the load conf plus "service_id".
  -c, --config <conf.json>   the bind conf (required)
  --server <url>             flow server (env FEDFLOW_SERVER)
`,
  'job-log': `Usage: fedflow job-log -j <job_id> -o <dir>
       fedflow -f job_log -j <job_id> -o <dir>

Downloads the job's log folder (GET /v1/job/log, a tar.gz: one INFO.log per task
under <role>/<party_id>/<component>/, ERROR.log when it failed) and unpacks it
into <dir>/job_<job_id>_log/.
  -j, --job-id <job_id>          (required)
  -o, --output-path <dir>        (required; relative to the current directory)
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'data-view-query': `Usage: fedflow data-view-query -j <job_id> [-r <role>] [-p <party_id>] [-cpn <component>]
       fedflow -f data_view_query -j <job_id> ...

Shows the t_data_view rows (output tables with their counts) of a job
(POST /v1/job/data/view/query); retcode 101 "find data view failed" when none match.
  -j, -r, -p, -cpn               filters (at least one)
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'clean-job': `Usage: fedflow clean-job -j <job_id> [-r <role>] [-p <party_id>] [-cpn <component>]
       fedflow -f clean_job -j <job_id> ...

Deletes the output tables and metrics of a finished job's tasks on this node's
parties (POST /v1/job/clean); models stay. A waiting or running job is refused.
  -j, --job-id <job_id>          (required)
  -r, -p, -cpn                   only these tasks
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'clean-queue': `Usage: fedflow clean-queue
       fedflow -f clean_queue

Cancels every job still waiting in the node's queue (POST /v1/job/clean/queue).
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'component-metric-delete': `Usage: fedflow component-metric-delete -j <job_id> [-cpn <component>] [-r <role>] [-p <party_id>]
       fedflow -f component_metric_delete -j <job_id> ...

Deletes a job's metrics, narrowed by component, role and party
(POST /v1/tracking/component/metric/delete); prints the statement as FATE does.
  -j, --job-id <job_id>          (required)
  -cpn, -r, -p                   filters
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
  'component-parameters': tracking('component-parameters', '/v1/tracking/component/parameters', "Shows the component's merged parameters (module and its *Param object)."),
  'component-metrics': tracking('component-metrics', '/v1/tracking/component/metrics', 'Lists the metric namespaces and names the component logged.'),
  'component-metric-all': tracking('component-metric-all', '/v1/tracking/component/metric/all', 'Shows every metric of the component: its data points and meta.'),
  'component-metric-data': tracking(
    'component-metric-data',
    '/v1/tracking/component/metric_data',
    'Shows one metric of the component: its [key, value] points and meta.',
    ' --namespace <ns> --name <name>',
    `  -n, --namespace <ns>           metric namespace (or --metric-namespace; required)
  --name <name>                  metric name (or --metric-name; required)
`,
  ),
  'component-output-model': tracking('component-output-model', '/v1/tracking/component/output/model', "Shows the component's output model (param and meta) as JSON."),
  'component-output-data': tracking(
    'component-output-data',
    '/v1/tracking/component/output/data',
    `Shows the first rows of the component's output data (at most 100, server side):
as an aligned table with its header when stdout is a terminal, else the JSON answer.`,
    ' [--limit <n>] [-o <dir>]',
    `  --limit <n>                    at most n rows (sent as limit; 0 = no limit)
  -o, --output-path <dir>        FATE's download instead: the whole table as CSV + meta
                                 (GET output/data/download) unpacked into
                                 <dir>/job_<job_id>_<component>_<role>_<party_id>_output_data/
                                 (needs -r and -p)
`,
  ),
  'grant-privilege': privilege('grant', 'Grants another party privileges on this node (its jobs may then create, run and stop\ntasks of those components in those roles here).'),
  'delete-privilege': privilege('delete', 'Revokes privileges (a value never granted is refused; all revokes every value of the type).'),
  'query-privilege': privilege('query', "Lists a party's privileges on this node, with who granted each and when."),
  'component-output-data-table': tracking('component-output-data-table', '/v1/tracking/component/output/data/table', "Shows the name and namespace of the component's output data table."),
};

function privilege(action: string, what: string): string {
  return `Usage: fedflow ${action}-privilege -src_party_id <id> -src_role <role> [-privilege_role <roles|all>]
         [-privilege_command <commands|all>] [-privilege_component <components|all>] [-c conf.json]
       fedflow -f ${action}_privilege ... (FATE 1.4's function)

${what}
POST /v1/permission/${action}/privilege; a conf with FATE-Flow 1.11's {"party_id", "component",
"dataset": [{"namespace", "name"}]} goes to /v1/permission/${action}.
  -src_party_id <id>         the party the privileges are for
  -src_role <role>           the role that party plays as initiator (guest, host, arbiter)
  -privilege_role <r,r>      roles this node may play for it: guest, host, arbiter
  -privilege_command <c,c>   create_job, run_task, stop_task
  -privilege_component <m,m> component modules, lower case (heterolr, dataio, ...)
  --server <url>             flow server (env FEDFLOW_SERVER; FEDFLOW_APP_KEY/SECRET sign)
`;
}

export function usage(command?: CommandName): string {
  return command ? COMMAND_USAGE[command] : GLOBAL;
}

export function usageHint(command?: CommandName): string {
  return `Run 'fedflow ${command ? `${command} ` : ''}--help' for usage.`;
}
