// npm run bench:rsa — RSA intersection (spec §1.2) at 1024 bits.
//
// Scale (issue 17, always): the whole protocol (`rsaIntersect`, guest and host concurrently on the
// in-process federation) over BENCH_RSA_IDS ids per side (default 1,000,000; half of them common) on
// the crypto pool (one helper thread per core, mini-batches of 2,048 ids), printing wall time, CPU
// time (all threads), ids/s and the process's peak RSS. Baseline from the same run: the same
// protocol on the calling thread only (no helpers) over BENCH_RSA_BASELINE_IDS ids (default 20,000),
// and the pool over that same size, scaled linearly to the full size.
//
// Phases (BENCH_RSA_PHASES=1, the issue-4 bench): per phase, each party's work timed alone over the breast ids
// and 30,000 synthetic ids — key generation, host signing its own ids, guest blinding, host signing
// the blinded ids, guest unblinding + hashing, matching — with the BigInt CRT signer and the OpenSSL
// signer (`rsaSigner`) in the same run.
// The machine may be shared: read the ratios (and the CPU seconds), not the absolute times.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { PartyRef } from '../src/components/contract.js';
import {
  finalHash,
  generateRsaKeyPair,
  hashToBigInt,
  randomBlindingFactor,
  rsaBlind,
  rsaSign,
  rsaSigner,
  rsaUnblind,
} from '../src/components/crypto/rsa.js';
import { rsaIntersect, rsaSettings } from '../src/components/intersection/rsaIntersection.js';
import { CryptoPool, defaultCryptoWorkers } from '../src/components/crypto/cryptoPool.js';
import { InProcessJob } from '../test/support/inProcessFederation.js';

const BITS = 1024;
/** BigInt signing at 30,000 ids would take minutes: time this many and scale linearly. */
const BASELINE_SAMPLE = 1500;

function idsOf(csv: string): string[] {
  const text = readFileSync(new URL(`../../test/fixtures/data/${csv}`, import.meta.url), 'utf8');
  return text.trim().split('\n').slice(1).map((line) => line.slice(0, line.indexOf(',')));
}

function time<T>(fn: () => T): [T, number] {
  const started = performance.now();
  const value = fn();
  return [value, performance.now() - started];
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;

function phases(label: string, guestIds: string[], hostIds: string[]): void {
  console.log(`\n${label}: guest ${guestIds.length} ids × host ${hostIds.length} ids, ${BITS}-bit RSA`);
  const [{ publicKey, privateKey }, keygen] = time(() => generateRsaKeyPair(BITS));
  const [sign, signerSetup] = time(() => rsaSigner(privateKey));
  console.log(`  key generation                    ${fmt(keygen)}   (+ OpenSSL key object ${signerSetup.toFixed(1)} ms)`);

  const hostH1 = hostIds.map((id) => hashToBigInt(id));
  const [, hostOwn] = time(() => hostH1.map((h) => finalHash(sign(h))));
  const sample = hostH1.slice(0, BASELINE_SAMPLE);
  const [, sampleMs] = time(() => sample.map((h) => finalHash(rsaSign(h, privateKey))));
  const hostOwnBase = (sampleMs * hostH1.length) / sample.length;

  const [blindResult, guestBlind] = time(() => {
    const h1 = guestIds.map((id) => hashToBigInt(id));
    const rs = h1.map(() => randomBlindingFactor(publicKey));
    return { rs, blinded: h1.map((h, i) => rsaBlind(h, rs[i]!, publicKey)) };
  });
  const [signed, hostBlinded] = time(() => blindResult.blinded.map(sign));
  const [, sample2] = time(() => blindResult.blinded.slice(0, BASELINE_SAMPLE).map((y) => rsaSign(y, privateKey)));
  const hostBlindedBase = (sample2 * blindResult.blinded.length) / Math.min(BASELINE_SAMPLE, blindResult.blinded.length);
  const [guestTs, unblind] = time(() => signed.map((z, i) => finalHash(rsaUnblind(z, blindResult.rs[i]!, publicKey))));
  const hostTs = new Set(hostH1.map((h) => finalHash(sign(h))));
  const [matched, matching] = time(() => guestTs.filter((t) => hostTs.has(t)).length);
  const scaled = hostH1.length > BASELINE_SAMPLE ? ` (BigInt timed on ${BASELINE_SAMPLE}, scaled)` : '';
  const row = (name: string, before: number, after: number) =>
    console.log(`  ${name.padEnd(33)} ${fmt(after)}   BigInt CRT ${fmt(before)}   ×${(before / after).toFixed(1)}`);
  row('host signs own ids', hostOwnBase, hostOwn);
  console.log(`  guest blinds                      ${fmt(guestBlind)}`);
  row('host signs blinded ids', hostBlindedBase, hostBlinded);
  console.log(`  guest unblinds + hashes           ${fmt(unblind)}`);
  console.log(`  matching                          ${fmt(matching)}   (${matched} common ids)`);
  const total = keygen + hostOwn + guestBlind + hostBlinded + unblind + matching;
  const totalBase = keygen + hostOwnBase + guestBlind + hostBlindedBase + unblind + matching;
  console.log(`  sum of phases (one core)          ${fmt(total)}   BigInt CRT ${fmt(totalBase)}   ×${(totalBase / total).toFixed(1)}${scaled}`);
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
sampler.unref();
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

interface Measured {
  ms: number;
  cpuMs: number;
  common: number;
}

/** Guest ids id0..id(n−1), host ids from n/2: half of each side is common. */
async function wholeProtocol(n: number, pool: CryptoPool): Promise<Measured> {
  const guestIds = Array.from({ length: n }, (_, i) => `id${i}`);
  const hostIds = Array.from({ length: n }, (_, i) => `id${i + Math.floor(n / 2)}`);
  const job = new InProcessJob();
  const guest: PartyRef = { role: 'guest', partyId: '9999' };
  const host: PartyRef = { role: 'host', partyId: '10000' };
  const settings = rsaSettings({ rsa_params: { key_length: BITS } });
  const run = (self: PartyRef, ownIds: string[]) =>
    rsaIntersect({ role: self.role as 'guest' | 'host', ownIds, guest, hosts: [host], tag: 'fit', sync: true, settings, pool }, job.context(self));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const [g, h] = await Promise.all([run(guest, guestIds), run(host, hostIds)]);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (g!.length !== n - Math.floor(n / 2) || h!.length !== g!.length) throw new Error(`wrong intersection: ${g!.length} / ${h!.length}`);
  return { ms, cpuMs: (used.user + used.system) / 1000, common: g!.length };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1).padStart(7)} s`;
const line = (label: string, n: number, m: Measured) =>
  console.log(
    `  ${label.padEnd(34)} ${String(n).padStart(9)} × ${String(n).padEnd(9)} ${s(m.ms)} wall ${s(m.cpuMs)} CPU  ${Math.round(n / (m.ms / 1000)).toString().padStart(6)} ids/s a side`,
  );

const FULL = Number(process.env.BENCH_RSA_IDS ?? 1_000_000);
const SMALL = Math.min(FULL, Number(process.env.BENCH_RSA_BASELINE_IDS ?? 20_000));
const helpers = defaultCryptoWorkers();
console.log(`RSA intersection, ${BITS}-bit, whole protocol (guest and host in one process, in-process federation)`);
console.log(`crypto pool: ${helpers} helper thread(s) (FEDFLOW_CRYPTO_WORKERS); ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`);
const inline = await wholeProtocol(SMALL, new CryptoPool(0));
line('baseline: calling thread only', SMALL, inline);
const pool = new CryptoPool(helpers);
const small = await wholeProtocol(SMALL, pool);
line('crypto pool', SMALL, small);
console.log(`  → pool vs calling thread at ${SMALL}: ×${(inline.ms / small.ms).toFixed(2)} wall`);
if (FULL > SMALL) {
  peakRss = 0;
  const full = await wholeProtocol(FULL, pool);
  line('crypto pool', FULL, full);
  const scaled = (inline.ms * FULL) / SMALL;
  const scaledCpu = (inline.cpuMs * FULL) / SMALL;
  console.log(`  baseline scaled linearly to ${FULL}: ${s(scaled)} wall ${s(scaledCpu)} CPU → pool ×${(scaled / full.ms).toFixed(2)} wall, ×${(scaledCpu / full.cpuMs).toFixed(2)} CPU`);
  const cores = availableParallelism();
  console.log(`  CPU / ${cores} cores = ${s(full.cpuMs / cores)}: the wall time on an otherwise idle machine, if every core is kept busy`);
  console.log(`  goal ≤ 240 s at 1,000,000 × 1,000,000: ${full.ms <= 240_000 * (FULL / 1_000_000) ? 'met' : 'NOT met'} in wall time at this size (load average now ${loadavg()[0]!.toFixed(1)})`);
}
console.log(`  peak RSS (sampled every 200 ms) during the largest run: ${mb(Math.max(peakRss, process.memoryUsage().rss))}`);
await pool.close();

if (process.env.BENCH_RSA_PHASES === '1') {
  const breastGuest = idsOf('breast_hetero_guest.csv');
  const breastHost = idsOf('breast_hetero_host.csv');
  const synthetic = (from: number) => Array.from({ length: 30_000 }, (_, i) => `id${from + i}`);
  phases('breast', breastGuest, breastHost);
  phases('synthetic', synthetic(0), synthetic(5_000));
}
