// Child-process entry used by spawnNode: a node configured from FEDFLOW_* variables.
// FEDFLOW_TEST_LOG_FILE: write the node's log there (stdout only carries the `listening` line).
import { destination, pino } from 'pino';
import { buildConfig, configFromEnv } from '../../src/config.js';
import { startNode } from '../../src/main.js';

// The test process that spawned this node is gone (see nodeProcess.ts): nobody will stop it.
process.stdin.once('end', () => process.exit(1));
process.stdin.resume();

const config = buildConfig({ httpPort: 0, logLevel: 'silent' }, configFromEnv());
const logFile = process.env.FEDFLOW_TEST_LOG_FILE;
const node = await startNode(config, logFile ? pino({ level: config.logLevel }, destination({ dest: logFile, append: true, sync: true })) : undefined);
process.stdout.write(`listening ${node.url}\n`);
process.on('SIGTERM', () => void node.close().then(() => process.exit(0)));
