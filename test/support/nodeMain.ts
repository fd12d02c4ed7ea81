// Child-process entry used by spawnNode: a node configured from FEDFLOW_* variables.
import { buildConfig, configFromEnv } from '../../src/config.js';
import { startNode } from '../../src/main.js';

const node = await startNode(buildConfig({ httpPort: 0, logLevel: 'silent' }, configFromEnv()));
process.stdout.write(`listening ${node.url}\n`);
process.on('SIGTERM', () => void node.close().then(() => process.exit(0)));
