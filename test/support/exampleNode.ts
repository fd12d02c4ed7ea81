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
