// The hetero linear models' protocol pinned to the bit: HeteroLinR, HeteroPoisson and HeteroLR runs
// (test/support/glmScenarios.ts, lrScenarios.ts) reduced to digests of their model buffers, outputs,
// metrics and every party's messages in order (protocolDigest.ts), compared with the digests taken
// on main before their training loops moved to the shared src/components/linearModel/. A change to
// what any party sends — a message's name, tag, order, type or bytes — or to a model fails here;
// a deliberate protocol change updates the pins (PIN_PRINT=1 prints the new ones).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { heteroPoisson } from '../../../src/components/heteroGLM/heteroGLM.js';
import { dvisits, GLM_SCENARIOS, type GlmRun, modelsOf, POISSON, runGlm, type Scenario } from '../../support/glmScenarios.js';
import { LR_SCENARIOS, runLRScenario } from '../../support/lrScenarios.js';
import { protocolDigest } from '../../support/protocolDigest.js';

const t = suite('hetero linear models: protocol pinned');

const PINS: Record<string, string> = {
  "HeteroLinR, full batch": "models b4a8dd0f8f30fec0 | data efa528f06266f96e | metrics 150c075be680226c | arbiter:10000 34 b1e802bc53c99d2a | guest:9999 36 e2ec45a494381913 | host:10000 41 20c447b5d2a7084e",
  "HeteroLinR, mini-batches of 150, adam, L1": "models bed74d4b9d7df7ab | data 41ad372c420df192 | metrics dd99f02a86564632 | arbiter:10000 58 f5b8e147d2ed9dc2 | guest:9999 85 d840be80c439a260 | host:10000 101 cd212644d6f7e4ed",
  "HeteroLinR, Paillier 512, mini-batches of 300": "models b556ad0a074550b9 | data a9ef0b5ad92a5488 | metrics ac98d72340c267a5 | arbiter:10000 28 8dd7dce557ca9dd8 | guest:9999 36 fdeab2e87160232a | host:10000 40 52ef967bc6180e48 | dealt 18 1b59c9b0189cba2b",
  "HeteroLinR, validation_freqs + early stopping on eval_data": "models 24e29e9ecc1a1d64 | data efa528f06266f96e | metrics 303f4171d1bce7ab | arbiter:10000 38 b9e56576586619f6 | guest:9999 52 463a658f4bb01946 | host:10000 50 56a2c57633e42e49",
  "HeteroLinR, cross-validation": "models f5e3973e41b231b9 | data 5999eb4a3cfcbf63 | metrics f6d6896a4d1d0381 | arbiter:10000 102 d627d7d6e3381f6a | guest:9999 117 1812a7f3ddc8a3a0 | host:10000 126 c30881cba2aa7a33",
  "HeteroLinR, two hosts, the second in another row order": "models 986ed9ec8938459e | data db89853c0fc416c7 | metrics a88318ce6b136188 | arbiter:10000 51 3db2b69c04ef91ef | guest:9999 39 6814778189844651 | host:10000 25 cb8b73710512ca5a | host:10001 25 72610f3ed096108f",
  "HeteroPoisson with an exposure column": "models 0586ece95422ab20 | data 481558a95f0c19b4 | metrics 06fef9ef6f6278da | arbiter:10000 26 cf2d93c94e9e3ec2 | guest:9999 28 3847d7d2bba6fbac | host:10000 31 1bfa8a41d353fca3",
  "HeteroPoisson, mini-batches of 250, validation every iteration": "models f03fc2491395599d | data 3f76c4073e81a20b | metrics b8bee91beec48161 | arbiter:10000 50 7e3b03da25026d08 | guest:9999 72 3e7fa5859869b3da | host:10000 85 c71f3ced91bbccc1",
  "HeteroPoisson, cross-validation": "models f5e3973e41b231b9 | data 5999eb4a3cfcbf63 | metrics 6831e09d2d3d9055 | arbiter:10000 78 ba9ebab8ffa0a19d | guest:9999 93 fc52f5c1466d3476 | host:10000 96 d5285ecb1224b134",
  "HeteroPoisson, Paillier 512, mini-batches of 300, L1": "models 9d5c6affe233a6e5 | data ccf347b8d04ea3e6 | metrics 0ab2e1eaccd5be54 | arbiter:10000 16 3342a730369c4ca8 | guest:9999 19 62e3298b2fdf746e | host:10000 19 96db3e2b7a97ef38 | dealt 8 202c204e7216926f",
  "HeteroLinR, full batch, predict": "models 85e15ef25fff78da | data 6a945269c6c1315f | metrics a88318ce6b136188 | guest:9999 1 8df34a3b34121318 | host:10000 1 a5d001d5a50c4f93",
  "HeteroPoisson with an exposure column, predict": "models 5b54e33ec7bda4c1 | data 5ccd875e8a56893f | metrics a88318ce6b136188 | guest:9999 1 6aa636c02f01a620 | host:10000 1 5a5f67e5e48f074d",
  "HeteroLR plain-batches": "models e852f99ad6a9a7f2 | data ddb98f5a69054cd8 | metrics 52891e01545efd51 | arbiter:10000 42 33c77ea7ed42586d | guest:9999 58 1c0ea3865382fc5a | host:10000 66 bfc6636898ed5875",
  "HeteroLR paillier-batches": "models 915a72c5d615e19c | data 61fc2db92c6146f8 | metrics a2e737428d8041c5 | arbiter:10000 16 d20ced41b49175cf | guest:9999 21 8dcfd03aa50618f4 | host:10000 19 46cef8fa8f71e9ee | dealt 8 a71146ecc4a6ab63",
  "HeteroLR validation": "models f61e1c2dc23f9215 | data 5f4e27a83fe97607 | metrics 01c437b06b791dc1 | arbiter:10000 26 8e2fefda01967816 | guest:9999 48 14a48c238288185a | host:10000 37 0d54f84e4a77600c",
  "HeteroLR ovr": "models 92f9753a6ab8b46e | data 2fd135c7db00427d | metrics 7c765544fa23e464 | arbiter:10000 78 518618f5adf2909f | guest:9999 108 0fe74e0bd9c2a084 | host:10000 118 c5642db58f01d909",
  "HeteroLR sqn": "models 659f20397e207089 | data 437f34c3079d8200 | metrics f600ffd4aa713352 | arbiter:10000 58 037b6b8ff5067bd7 | guest:9999 75 526fdf67a445ee39 | host:10000 75 92e861bfe84cd5c8",
  "HeteroLR cv": "models d1cf3d9741603b70 | data 9eccae517adf976b | metrics 06546de0df9217ff | arbiter:10000 30 a35a732a833969b4 | guest:9999 51 ff17cfd4c29f0d52 | host:10000 36 100283c2dad8bd7e",
  "HeteroLR predict": "models 4296354614366990 | data 4502dcd8f3f053b7 | metrics d4368ff6a66363a5 | guest:9999 1 80ae8e9851140670 | host:10000 1 c62a02ae0756ec4e",
  "HeteroLR paillier-validation": "models 915a72c5d615e19c | data 61fc2db92c6146f8 | metrics 5e40a560b553b0f4 | arbiter:10000 16 d20ced41b49175cf | guest:9999 23 91d66950cae6bf84 | host:10000 21 e3eebefc62de38d7 | dealt 8 a71146ecc4a6ab63",
  "HeteroLR paillier-sqn": "models 238177f4bddf0352 | data 8cf0b2f35ea62726 | metrics c17664d391511448 | arbiter:10000 24 8b14eec2ebbae094 | guest:9999 28 ba1a62bd58fedc2e | host:10000 25 287c7291f34d9419 | dealt 8 c6f6265611f517b6",
  "HeteroLR paillier-cv": "models d1cf3d9741603b70 | data 9eccae517adf976b | metrics 1b6a98c6037ccbf8 | arbiter:10000 16 77a30c63cb4ae773 | guest:9999 26 52696aae1a278f8f | host:10000 14 6ea1cc4d6f4b1aae | dealt 4 127cc5abfcb91bbb",
};

function check(name: string, actual: string) {
  // Printing pins checks none: for taking new pins only.
  if (process.env.PIN_PRINT === '1') return void process.stderr.write(`  ${JSON.stringify(name)}: ${JSON.stringify(actual)},\n`);
  assert.is(actual, PINS[name], name);
}

const glmDigest = (run: GlmRun, plain: boolean) =>
  protocolDigest({ guest: run.go, arbiter: run.ao, ...Object.fromEntries(run.hos.map((h, j) => [`host${j}`, h])) }, run.metrics, run.log, plain);

const isPlain = (params: Record<string, unknown>) => (params.encrypt_param as { method: unknown } | undefined)?.method === null;

const PAILLIER_POISSON: Scenario = {
  name: 'HeteroPoisson, Paillier 512, mini-batches of 300, L1', component: heteroPoisson, module: 'HeteroPoisson', data: dvisits,
  params: { ...POISSON, batch_size: 300, max_iter: 2, penalty: 'L1', encrypt_param: { method: 'Paillier', key_length: 512 } },
};

for (const s of [...GLM_SCENARIOS, PAILLIER_POISSON]) {
  t(`${s.name}: models, outputs, metrics and every party's messages are those pinned`, async () => {
    const data = await s.data();
    const run = await runGlm(s.component, s.module, s.params, data, s.validate ? { validate: data } : {});
    check(s.name, glmDigest(run, isPlain(s.params)));
  });
}

t('predict jobs of HeteroLinR and HeteroPoisson: outputs and messages are those pinned', async () => {
  for (const s of [GLM_SCENARIOS[0]!, GLM_SCENARIOS[6]!]) {
    const data = await s.data();
    const model = modelsOf(await runGlm(s.component, s.module, s.params, data));
    check(`${s.name}, predict`, glmDigest(await runGlm(s.component, s.module, s.params, data, { model }), true));
  }
});

for (const scenario of LR_SCENARIOS) {
  t(`HeteroLR ${scenario}: models, outputs, metrics and every party's messages are those pinned`, async () => {
    const run = await runLRScenario(scenario, (table) => table);
    check(`HeteroLR ${scenario}`, protocolDigest({ guest: run.guest, host: run.host, arbiter: run.arbiter }, run.trackers, run.sent, !scenario.startsWith('paillier')));
  });
}

t.run();
