// /v1/pipeline/dag/dependency (contract 5.18) over HTTP, for a stored job and for an inline DSL + conf.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import type { CommandBus } from '@nestjs/cqrs';
import type { Database } from 'better-sqlite3';
import { ALL_PROJECTIONS } from '../../projections/index.js';
import { createHttpApp } from '../../src/api/httpApp.js';
import { buildConfig } from '../../src/config.js';
import { planJob } from '../../src/domain/dsl/plan.js';
import { TableStore } from '../../src/store/tables/tableStore.js';
import { FIXTURE_EXAMPLES } from '../support/fixtures.js';
import { post, tempDir } from '../support/http.js';
import { givenEvents } from '../support/projectionSpec.js';

const JOB = '202011101532147423781';
const example = (file: string): Record<string, any> => JSON.parse(readFileSync(join(FIXTURE_EXAMPLES, 'standalone', file), 'utf8'));
const dsl = example('hetero_lr_dsl.json');
const conf = example('hetero_lr_conf.json');

function jobCreated(role: string, partyId: string) {
  const outcome = planJob(dsl, conf, { jobId: JOB, serverWorkMode: 0, defaultTimeoutSeconds: 604800 });
  if (!outcome.ok) throw new Error(outcome.message);
  const { plan } = outcome;
  return {
    type: 'JobCreated',
    data: {
      jobId: JOB, role, partyId, initiator: { role: 'guest', partyId: '9999' }, isInitiator: role === 'guest', workMode: 0,
      roles: plan.roles, dsl: plan.dsl, runtimeConf: plan.conf, trainRuntimeConf: {}, runIp: '127.0.0.1:9380', tag: '', at: 1000,
    },
  };
}

const COMPONENT_LIST = ['dataio_0', 'intersection_0', 'hetero_lr_0', 'evaluation_0'];
const DEPENDENCIES = {
  intersection_0: [{ component_name: 'dataio_0', type: 'data' }],
  hetero_lr_0: [{ component_name: 'intersection_0', type: 'data' }],
  evaluation_0: [{ component_name: 'hetero_lr_0', type: 'data' }],
};
const MODULES = { dataio_0: 'DataIO', intersection_0: 'Intersection', hetero_lr_0: 'HeteroLR', evaluation_0: 'Evaluation' };

const dir = tempDir('pipeline-api');
let views: Database;
let server: Server;
let url = '';
const dependency = async (body: unknown) => (await post(url, '/v1/pipeline/dag/dependency', body)).body;

const t = suite('api: /v1/pipeline/dag/dependency');

t.before(async () => {
  views = givenEvents(ALL_PROJECTIONS, [jobCreated('host', '10000'), jobCreated('arbiter', '10001'), jobCreated('guest', '9999')]);
  const config = buildConfig({ httpPort: 0, dataDir: join(dir, 'node'), eventStore: 'memory', logLevel: 'silent' });
  const commands = { execute: async () => { throw new Error('no commands'); } } as unknown as CommandBus;
  const app = createHttpApp({ commands, views, config, log: pino({ level: 'silent' }), nextJobId: () => 'unused', tables: new TableStore(join(dir, 'tables')) });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

t.after(async () => {
  await new Promise((resolve) => server?.close(resolve));
  views?.close();
  rmSync(dir, { recursive: true, force: true });
});

t('stored job, guest: order, dependencies, modules, every component runs', async () => {
  assert.equal(await dependency({ job_id: JOB, role: 'guest', party_id: 9999 }), {
    retcode: 0, retmsg: 'success',
    data: {
      component_list: COMPONENT_LIST,
      dependencies: DEPENDENCIES,
      component_module: MODULES,
      component_need_run: { dataio_0: true, intersection_0: true, hetero_lr_0: true, evaluation_0: true },
    },
  });
});

t('stored job, host: evaluation_0 does not run (need_run false in role_parameters)', async () => {
  const body = await dependency({ job_id: JOB, role: 'host', party_id: '10000' });
  assert.is(body.retcode, 0, body.retmsg);
  assert.equal(body.data.component_need_run, { dataio_0: true, intersection_0: true, hetero_lr_0: true, evaluation_0: false });
});

t('stored job, arbiter: only hetero_lr_0 runs', async () => {
  const body = await dependency({ job_id: JOB, role: 'arbiter', party_id: 10001 });
  assert.equal(body.data.component_need_run, { dataio_0: false, intersection_0: false, hetero_lr_0: true, evaluation_0: false });
  assert.equal(body.data.component_list, COMPONENT_LIST);
});

t('inline job_dsl + job_runtime_conf give the same answer as the stored job', async () => {
  for (const [role, partyId] of [['guest', 9999], ['host', '10000'], ['arbiter', 10001]] as const) {
    const inline = await dependency({ job_dsl: dsl, job_runtime_conf: conf, role, party_id: partyId });
    assert.is(inline.retcode, 0, inline.retmsg);
    assert.equal(inline, await dependency({ job_id: JOB, role, party_id: partyId }), role);
  }
});

t('inline conf: the work mode is not checked against the server (only parsed)', async () => {
  const cluster = { ...conf, job_parameters: { work_mode: 1 } };
  const body = await dependency({ job_dsl: dsl, job_runtime_conf: cluster, role: 'guest', party_id: 9999 });
  assert.is(body.retcode, 0, body.retmsg);
  const { job_parameters: _omitted, ...noParameters } = conf;
  assert.is((await dependency({ job_dsl: dsl, job_runtime_conf: noParameters, role: 'guest', party_id: 9999 })).retcode, 0);
});

t('role and party_id are required (required-arguments message)', async () => {
  assert.equal(await dependency({ job_id: JOB, party_id: 9999 }), { retcode: 100, retmsg: 'the following arguments are required: role ' });
  assert.equal(await dependency({ job_id: JOB }), { retcode: 100, retmsg: 'the following arguments are required: role,party_id ' });
});

t('unknown stored job → 100 query job <id> failed', async () => {
  assert.equal(await dependency({ job_id: 'nope', role: 'guest', party_id: 9999 }), { retcode: 100, retmsg: 'query job nope failed' });
});

t('unknown role or party → 100 with the planner message', async () => {
  assert.equal(await dependency({ job_id: JOB, role: 'local', party_id: 9999 }), { retcode: 100, retmsg: 'role local is unknown, can not extract component dependency' });
  assert.equal(await dependency({ job_id: JOB, role: 'guest', party_id: 10000 }), { retcode: 100, retmsg: 'party id 10000 is unknown, can not extract component dependency' });
});

t('an invalid inline DSL → 100 with the DSL message', async () => {
  const bad = { components: { dataio_1: { module: 'DataIO', input: { data: { data: ['args.train_data'] } } } } };
  assert.equal(await dependency({ job_dsl: bad, job_runtime_conf: conf, role: 'guest', party_id: 9999 }), {
    retcode: 100, retmsg: "component's name should be format of name_index, index is start from 0 and be consecutive for same module",
  });
});

t.run();
