// Help texts for `fedflow --help` and `fedflow <command> --help`.
import type { CommandName } from './args.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:9380';

const GLOBAL = `Usage: fedflow <command> [options]
       fedflow -f <fate_function> [options]        (fate_flow_client.py style)

Commands:
  node              run a fedflow node (serves the FATE-Flow v1 HTTP API)
  views rebuild     rebuild the read views from the event log (node stopped)
  upload            upload a CSV file into a table            (-f upload)
  download          export a table to a file on the server    (-f download)
  upload-history    list successful uploads                   (-f upload_history)
  table-info        show a table's count, partitions, schema  (-f table_info)
  table-delete      delete a table or the tables of a job     (-f table_delete)
  job-query         show the status rows of a job             (-f query_job)

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
Precedence: defaults < config file < environment < flags.
`;

const COMMAND_USAGE: Readonly<Record<CommandName, string>> = {
  node: `Usage: fedflow node [options]

Runs a node until SIGINT/SIGTERM.
${NODE_FLAGS}`,
  'views rebuild': `Usage: fedflow views rebuild [options]

Drops every read view and replays the whole event log into them.
The node using the same data dir must be stopped.
${NODE_FLAGS}`,
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
       fedflow -f query_job -j <job_id> ...

Shows the job rows matching the filters (POST /v1/job/query), without
f_dsl and f_runtime_conf. At least one filter is required.
  -j, --job-id <job_id>
  -r, --role <role>
  -p, --party-id <party_id>
  -s, --status <status>          waiting|running|success|failed|canceled|timeout
  --server <url>                 flow server (env FEDFLOW_SERVER)
`,
};

export function usage(command?: CommandName): string {
  return command ? COMMAND_USAGE[command] : GLOBAL;
}

export function usageHint(command?: CommandName): string {
  return `Run 'fedflow ${command ? `${command} ` : ''}--help' for usage.`;
}
