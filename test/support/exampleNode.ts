// A standalone node for the examples' jobs: started on an ephemeral port in a temp dir, with the
// examples' upload confs already run. Shared by the example-job e2e tests.
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildConfig, type ConfigInput } from '../../src/config.js';
import { startNode, type RunningNode } from '../../src/main.js';
import { FIXTURE_EXAMPLES } from './fixtures.js';
import { SHARED_DATA, post, tempDir, waitForJob } from './http.js';

/** One of the examples' standalone files (DSL, conf, upload conf) as JSON. */
export const example = (file: string): any => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'standalone', file), 'utf8'));

export interface ExampleNode {
  readonly node: RunningNode;
  close(): Promise<void>;
}

/** Starts the node (with `config` on top of the test defaults) and runs each upload conf to success. */
export async function startExampleNode(name: string, uploadConfs: readonly string[], config: ConfigInput = {}): Promise<ExampleNode> {
  const dir = tempDir(name);
  const node = await startNode(buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), dataRoots: [dir, SHARED_DATA], logLevel: 'silent' }, config));
  const close = async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const file of uploadConfs) {
      const r = await post(node.url, '/v1/data/upload', example(file));
      assert.is((await waitForJob(node.url, r.body.jobId)).f_status, 'success', file);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { node, close };
}

/**
 * Every row of a component's output table on the guest 9999, downloaded (output/data shows only 100):
 * id → the row's values after the id (for predictions: label, predict_result, predict_score, detail, type).
 */
export async function outputRows(node: RunningNode, jobId: string, component: string): Promise<Map<string, unknown[]>> {
  const guest = { role: 'guest', party_id: 9999 };
  const table = await post(node.url, '/v1/tracking/component/output/data/table', { job_id: jobId, component_name: component, ...guest });
  assert.is(table.body.retcode, 0, table.body.retmsg);
  const outputPath = join(node.config.dataDir, `${jobId}-${component}.csv`);
  const download = await post(node.url, '/v1/data/download', {
    namespace: table.body.data.table_namespace, table_name: table.body.data.table_name, output_path: outputPath, work_mode: 0,
  });
  assert.is(download.body.retcode, 0, download.body.retmsg);
  assert.is((await waitForJob(node.url, download.body.jobId)).f_status, 'success');
  const rows = new Map<string, unknown[]>();
  for (const line of readFileSync(outputPath, 'utf8').split('\n').filter(Boolean)) {
    const cut = line.indexOf(',');
    rows.set(line.slice(0, cut), JSON.parse(line.slice(cut + 1)) as unknown[]);
  }
  return rows;
}
