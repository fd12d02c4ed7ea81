// npm run bench:binning — HeteroFeatureBinning on default_credit (30,000 rows, guest 13 / host 10
// features; quantile, bin_num 10, the suite's defaults) with Paillier-encrypted labels (1024-bit, FATE's
// key length) next to the plaintext run of the very same protocol, in one run. Guest and host run in
// one thread here (in-process federation; the guest's obfuscators are also computed by helper threads,
// FEDFLOW_CRYPTO_WORKERS), so the wall time is both parties' work end to end. "Paillier" is the time
// inside the cipher: label encryption (guest), ciphertext additions and re-randomisation (host),
// decryption (guest). BIN_KEY_BITS=2048 (or 512) for another key length.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import type { PartyRef } from '../src/components/contract.js';
import type { DataTable, Instance } from '../src/tableData/dataTable.js';
import { dataIO } from '../src/components/dataio/dataIO.js';
import { heteroFeatureBinning } from '../src/components/featureBinning/featureBinning.js';
import { PaillierBinSummer, PaillierLabelEncryptor } from '../src/components/featureBinning/labelCipher.js';
import { csvTable } from '../test/components/dataio/csvTable.js';
import { FIXTURE_DATA } from '../test/support/fixtures.js';
import { InProcessJob, componentInput } from '../test/support/inProcessFederation.js';

const GUEST: PartyRef = { role: 'guest', partyId: '10000' };
const HOST: PartyRef = { role: 'host', partyId: '9999' };
const KEY_BITS = Number(process.env.BIN_KEY_BITS ?? 1024);

/** Milliseconds spent inside the Paillier classes, by step. */
const spent = { keygen: 0, encrypt: 0, add: 0, rerandomize: 0, decrypt: 0 };
function timed<T extends object>(proto: T, method: keyof T & string, into: keyof typeof spent): void {
  const original = (proto as Record<string, unknown>)[method] as (...a: unknown[]) => unknown;
  (proto as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const t0 = performance.now();
    const r = original.apply(this, args);
    if (r instanceof Promise) return r.finally(() => (spent[into] += performance.now() - t0));
    spent[into] += performance.now() - t0;
    return r;
  };
}
timed(PaillierLabelEncryptor.prototype, 'encryptLabels', 'encrypt');
timed(PaillierLabelEncryptor.prototype, 'decryptCount', 'decrypt');
timed(PaillierBinSummer.prototype, 'sumBins', 'add');
timed(PaillierBinSummer.prototype, 'rerandomize', 'rerandomize');

async function load(): Promise<{ guest: DataTable<Instance>; host: DataTable<Instance> }> {
  const job = new InProcessJob();
  const one = async (name: string, self: PartyRef, params: Record<string, unknown>) => {
    const table = csvTable(readFileSync(join(FIXTURE_DATA, `${name}.csv`), 'utf8'));
    const out = await dataIO(componentInput({ module: 'DataIO', role: self.role, partyId: self.partyId, params, data: { data: table } }), job.context(self));
    return out.data as DataTable<Instance>;
  };
  return {
    guest: await one('default_credit_hetero_guest', GUEST, { with_label: true, label_name: 'y' }),
    host: await one('default_credit_hetero_host', HOST, { with_label: false }),
  };
}

async function run(data: { guest: DataTable<Instance>; host: DataTable<Instance> }, encrypt: Record<string, unknown>) {
  for (const k of Object.keys(spent) as (keyof typeof spent)[]) spent[k] = 0;
  const params = { method: 'quantile', bin_num: 10, encrypt_param: encrypt };
  const job = new InProcessJob();
  const roles = { guest: [GUEST.partyId], host: [HOST.partyId] };
  const input = (self: PartyRef, table: DataTable<Instance>) =>
    componentInput({ module: 'HeteroFeatureBinning', componentName: 'hetero_feature_binning_0', role: self.role, partyId: self.partyId, roles, params, data: { data: table } });
  const started = performance.now();
  const cpu = process.cpuUsage();
  const [g] = await Promise.all([heteroFeatureBinning(input(GUEST, data.guest), job.context(GUEST)), heteroFeatureBinning(input(HOST, data.host), job.context(HOST))]);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const hr = (g!.model!.FeatureBinningParam as any).hostResults[0].binningResult as Record<string, { iv: number }>;
  const gr = (g!.model!.FeatureBinningParam as any).binningResult.binningResult as Record<string, { iv: number }>;
  return { ms, cpuMs: (used.user + used.system) / 1000, ivs: [...Object.values(gr), ...Object.values(hr)].map((c) => c.iv), crypto: { ...spent } };
}

const data = await load();
console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (wall times stretch with the load; CPU seconds do not)`);
console.log(`HeteroFeatureBinning, default_credit ${data.guest.rows.length} rows (guest ${data.guest.schema.header.length} + host ${data.host.schema.header.length} features), quantile, bin_num 10; guest and host in one thread`);
const plain = await run(data, { method: null });
const he = await run(data, { method: 'Paillier', key_length: KEY_BITS });
const djn = await run(data, { method: 'Paillier', key_length: KEY_BITS, fedflow_obfuscation: 'djn' });
console.log(`load average after the runs ${loadavg().map((x) => x.toFixed(1)).join(' / ')}`);
const maxDiff = Math.max(...[...he.ivs, ...djn.ivs].map((v, i) => Math.abs(v - plain.ivs[i % plain.ivs.length]!)));
const c = he.crypto;
const cryptoMs = c.encrypt + c.add + c.rerandomize + c.decrypt;
console.log(`  plaintext (same protocol, no encryption)  ${(plain.ms / 1000).toFixed(2)} s wall (${(plain.cpuMs / 1000).toFixed(2)} s CPU over all threads)`);
console.log(`  Paillier ${KEY_BITS}-bit (key generation included)  ${(he.ms / 1000).toFixed(2)} s wall (${(he.cpuMs / 1000).toFixed(2)} s CPU over all threads)`);
console.log(`    in Paillier: ${(cryptoMs / 1000).toFixed(2)} s = ${((100 * cryptoMs) / he.ms).toFixed(0)}% of the wall time — encrypt ${data.guest.rows.length} labels ${(c.encrypt / 1000).toFixed(2)} s, host additions (with a helper thread) ${(c.add / 1000).toFixed(2)} s, re-randomise sums ${(c.rerandomize / 1000).toFixed(2)} s, decrypt ${(c.decrypt / 1000).toFixed(2)} s`);
const d = djn.crypto;
console.log(`  Paillier ${KEY_BITS}-bit, DJN obfuscation (opt-in: encrypt_param.fedflow_obfuscation "djn")  ${(djn.ms / 1000).toFixed(2)} s wall (${(djn.cpuMs / 1000).toFixed(2)} s CPU); encrypt ${(d.encrypt / 1000).toFixed(2)} s, host additions ${(d.add / 1000).toFixed(2)} s`);
console.log(`  IVs of all ${he.ivs.length} columns: largest difference encrypted vs plaintext ${maxDiff}`);
process.exit(0);
