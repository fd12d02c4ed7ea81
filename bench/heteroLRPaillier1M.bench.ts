// npm run bench:hetero-lr-1m — HeteroLR with Paillier (1024-bit, standard obfuscation dealt by the
// arbiter, FATE's default protocol) over BENCH_ROWS synthetic rows (default 1,000,000: guest label +
// 10 features, host 20 features, the issue-17 shape), batch_size BENCH_BATCH (default 10,000), one
// epoch (max_iter 1); guest, host and arbiter run concurrently in this process on the in-process
// federation, as in standalone mode. Printed: wall and CPU time (all threads), the time spent inside
// Paillier calls on the protocol thread (encrypt, homomorphic dots/adds/scales/masks, decrypt,
// obfuscators), and, as the same-run baseline, the same epoch in plaintext mode (encrypt_param.method
// null: the same maths with no crypto) — so the share in Paillier = 1 − plaintext / Paillier wall.
// BENCH_ROWS below 1,000,000 prints the epoch time scaled linearly to 1,000,000 rows too (an epoch
// is rows / batch steps of the same cost).
// The machine may be shared: read the ratios and CPU seconds, not the absolute wall times.
import { readFileSync } from 'node:fs';
import type { PartyRef } from '../src/components/contract.js';
import type { DataTable, Instance } from '../src/tableData/dataTable.js';
import { PaillierPrivateKey, PaillierPublicKey } from '../src/components/crypto/paillier.js';
import { PaillierCipher } from '../src/components/linearModel/cipher.js';
import { heteroLR } from '../src/components/heteroLR/heteroLR.js';
import { seededRandom } from '../src/components/linearModel/params.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const KEY = Number(process.env.BENCH_KEY_LENGTH ?? 1024);
const ROLES = { guest: ['9999'], host: ['10000'], arbiter: ['10001'] };
const GUEST: PartyRef = { role: 'guest', partyId: '9999' };
const HOST: PartyRef = { role: 'host', partyId: '10000' };
const ARBITER: PartyRef = { role: 'arbiter', partyId: '10001' };

/** A separable synthetic vertical data set: y depends on a few guest and host features. */
function dataset(rows: number): { guest: DataTable<Instance>; host: DataTable<Instance> } {
  const rand = seededRandom(17);
  const g: [string, Instance][] = new Array(rows);
  const h: [string, Instance][] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const xg = Array.from({ length: 10 }, () => rand() * 2 - 1);
    const xh = Array.from({ length: 20 }, () => rand() * 2 - 1);
    const z = 1.5 * xg[0]! - xg[1]! + 2 * xh[0]! - 0.5 * xh[1]! + (rand() - 0.5);
    g[i] = [String(i), { features: xg, label: z > 0 ? 1 : 0 }];
    h[i] = [String(i), { features: xh }];
  }
  const header = (n: number, p: string) => Array.from({ length: n }, (_, j) => `${p}${j}`);
  return {
    guest: { schema: { header: header(10, 'x'), sid_name: 'id', label_name: 'y' }, rows: g },
    host: { schema: { header: header(20, 'h'), sid_name: 'id' }, rows: h },
  };
}

// Time inside Paillier calls on this thread (the helpers' obfuscators are CPU of other threads).
let paillierMs = 0;
const byMethod = new Map<string, number>();
let depth = 0;
function timeMethods(proto: Record<string, unknown>, names: string[]): void {
  for (const name of names) {
    const original = proto[name] as (...args: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      if (depth > 0) return original.apply(this, args);
      depth++;
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - started;
        paillierMs += ms;
        byMethod.set(name, (byMethod.get(name) ?? 0) + ms);
        depth--;
      }
    };
  }
}
timeMethods(PaillierCipher.prototype as unknown as Record<string, unknown>, ['add', 'prepare', 'dots', 'scale', 'mask', 'unmask', 'decode']);
// dotsAsync: only its synchronous part (splitting; or the whole dots when it stays on this thread).
timeMethods(PaillierPublicKey.prototype as unknown as Record<string, unknown>, ['encrypt', 'add', 'addPlain', 'mulScalar']);
timeMethods(PaillierPrivateKey.prototype as unknown as Record<string, unknown>, ['decrypt', 'decryptSigned', 'randomObfuscator']);

const PARAMS = {
  penalty: 'L2', alpha: 0.01, optimizer: 'nesterov_momentum_sgd', learning_rate: 0.15, max_iter: 1, batch_size: BATCH,
  tol: 0.0001, early_stop: 'weight_diff', init_param: { init_method: 'zeros', fit_intercept: true },
};

async function epoch(data: ReturnType<typeof dataset>, encrypt: Record<string, unknown>) {
  const job = new InProcessJob();
  const params = { ...PARAMS, encrypt_param: encrypt };
  const input = (role: string, train?: DataTable<Instance>) =>
    componentInput({ module: 'HeteroLR', componentName: 'hetero_lr_0', role, partyId: ROLES[role as keyof typeof ROLES][0], roles: ROLES, params, data: train ? { train_data: train } : {} });
  paillierMs = 0;
  byMethod.clear();
  const main = mainThreadCpuMs();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all([
    heteroLR(input('guest', data.guest), job.context(GUEST)),
    heteroLR(input('host', data.host), job.context(HOST)),
    heteroLR(input('arbiter'), job.context(ARBITER)),
  ]);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, mainCpuMs: mainThreadCpuMs() - main, paillierMs, byMethod: new Map(byMethod) };
}

/** CPU of this (the protocol) thread alone, from /proc (Linux; NaN elsewhere): the rest is the helper threads'. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at USER_HZ = 100
  } catch {
    return NaN;
  }
}

let peakRss = 0;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200).unref();
const sec = (ms: number) => `${(ms / 1000).toFixed(1).padStart(7)} s`;

console.log(`HeteroLR, one epoch, ${ROWS} rows (guest 10 features + label, host 20), batch ${BATCH} → ${Math.ceil(ROWS / BATCH)} steps`);
const data = dataset(ROWS);
const plain = await epoch(data, { method: null });
console.log(`  plaintext mode (baseline)      ${sec(plain.ms)} wall ${sec(plain.cpuMs)} CPU`);
const paillier = await epoch(data, { method: 'Paillier', key_length: KEY });
console.log(`  Paillier ${KEY}-bit               ${sec(paillier.ms)} wall ${sec(paillier.cpuMs)} CPU`);
console.log(`    protocol thread CPU ${sec(paillier.mainCpuMs)}, helper threads CPU ${sec(paillier.cpuMs - paillier.mainCpuMs)} (obfuscators dealt by the arbiter, gradient dots)`);
console.log(`    in Paillier calls on the protocol thread: ${sec(paillier.paillierMs)} wall (${((100 * paillier.paillierMs) / paillier.ms).toFixed(0)} % of the epoch)`);
console.log(`      ${[...paillier.byMethod].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
console.log(`    share in Paillier (1 − plaintext / Paillier wall): ${(100 * (1 - plain.ms / paillier.ms)).toFixed(1)} %`);
if (ROWS < 1_000_000) {
  console.log(`    scaled linearly to 1,000,000 rows: ${sec((paillier.ms * 1_000_000) / ROWS)} wall ${sec((paillier.cpuMs * 1_000_000) / ROWS)} CPU`);
}
console.log(`  peak RSS (sampled every 200 ms): ${(Math.max(peakRss, process.memoryUsage().rss) / 2 ** 20).toFixed(0)} MB`);
