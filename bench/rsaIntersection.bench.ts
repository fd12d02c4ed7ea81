// npm run bench:rsa — RSA intersection (spec §1.2) over the breast ids (569 × 569) and over 30,000
// synthetic ids per side (default_credit's size), at 1024 bits:
//   1. per phase, each party's work timed alone: key generation, host signing its own ids, guest
//      blinding, host signing the blinded ids, guest unblinding + hashing, matching — with the BigInt
//      CRT signer (baseline, the code before issue 4) and the OpenSSL signer (`rsaSigner`) in the same run;
//   2. the whole protocol (`rsaIntersect`, guest and host concurrently on the in-process federation, i.e.
//      on one thread), without and with one signing helper thread (FEDFLOW_CRYPTO_WORKERS=0 / 1).
// The machine may be shared: read the ratios, not the absolute times.
import { readFileSync } from 'node:fs';
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

async function wholeProtocol(guestIds: string[], hostIds: string[], workers: string): Promise<void> {
  process.env.FEDFLOW_CRYPTO_WORKERS = workers;
  const job = new InProcessJob();
  const guest: PartyRef = { role: 'guest', partyId: '9999' };
  const host: PartyRef = { role: 'host', partyId: '10000' };
  const settings = rsaSettings({ rsa_params: { key_length: BITS } });
  const run = (self: PartyRef, ownIds: string[]) =>
    rsaIntersect({ role: self.role as 'guest' | 'host', ownIds, guest, hosts: [host], tag: 'fit', sync: true, settings }, job.context(self));
  const started = performance.now();
  const [g, h] = await Promise.all([run(guest, guestIds), run(host, hostIds)]);
  const ms = performance.now() - started;
  console.log(`  rsaIntersect, in-process, ${workers} signing helper thread(s): ${fmt(ms)}  → ${g!.length} ids (host ${h!.length})`);
}

const breastGuest = idsOf('breast_hetero_guest.csv');
const breastHost = idsOf('breast_hetero_host.csv');
const synthetic = (from: number) => Array.from({ length: 30_000 }, (_, i) => `id${from + i}`);
phases('breast', breastGuest, breastHost);
await wholeProtocol(breastGuest, breastHost, '0');
await wholeProtocol(breastGuest, breastHost, '1');
phases('synthetic', synthetic(0), synthetic(5_000));
await wholeProtocol(synthetic(0), synthetic(5_000), '0');
await wholeProtocol(synthetic(0), synthetic(5_000), '1');
