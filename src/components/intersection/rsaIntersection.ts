// Intersection, RSA blind-signature method (FATE 1.x federatedml/statistic/intersect/rsa_intersect,
// "unified" mode; spec §1.2). Each host holds its own RSA key; the guest runs the protocol with every
// host in parallel and intersects across all of them.
//
//   host  → guest  rsa_pubkey                   {n, e}
//   host  → guest  intersect_host_ids_process   t = H2(sign(H1(id + salt))) for the host's ids (keys only)
//   guest → host   intersect_guest_ids          y = H1(id + salt) · r^e mod n (fresh random r per id)
//   host  → guest  intersect_guest_ids_process  z = y^d mod n, in the order the y values came
//   guest          u = z · r⁻¹ = H1(id)^d, H2(u) joined with the t set
//   guest → host   intersect_ids                (sync only) the host's own t values of the intersection
//
// The host only ever sees blinded values and the t values of matching ids; the guest only sees the
// host's double hashes (and signatures of its own blinded values).
//
// How it runs (issue 17: 1,000,000 ids a side): every per-id step is done in mini-batches of BATCH ids
// on the process's crypto helper threads (crypto/cryptoPool.ts, operations in crypto/rsaBatch.ts),
// with numbers packed in byte buffers; the messages keep their FATE shape (lists of integers and of
// hex strings), but what a party keeps between them is packed: r values (16 bytes an id) and double
// hashes as raw digests in a DigestSet, not BigInts and strings in JS Sets and Maps.
import type { ComponentContext, PartyRef } from '../contract.js';
import { type CryptoPool, poolFor } from '../crypto/cryptoPool.js';
import type { RsaHashing } from '../crypto/poolOps.js';
import { RSA_BLINDING_BITS, type RsaPublicKey, generateRsaKeyPair } from '../crypto/rsa.js';
import { digestWidth, packResidues, slotWidth, unpackResidues } from '../crypto/rsaBatch.js';
import { DigestSet, hexAt } from './digestSet.js';

const TV = 'RsaIntersectTransferVariable';
export const RSA_PUBKEY = `${TV}.rsa_pubkey`;
export const INTERSECT_HOST_IDS_PROCESS = `${TV}.intersect_host_ids_process`;
export const INTERSECT_GUEST_IDS = `${TV}.intersect_guest_ids`;
export const INTERSECT_GUEST_IDS_PROCESS = `${TV}.intersect_guest_ids_process`;
export const INTERSECT_IDS = `${TV}.intersect_ids`;

export const RSA_DEFAULT_KEY_LENGTH = 1024;
/** Ids per mini-batch: what one helper thread signs or blinds at a time (~0.2 s of 1024-bit signing). */
const BATCH = 2048;
/** Below this many ids a party computes on its own thread: a helper is not worth its start. */
export const PARALLEL_MIN = 2000;

export interface RsaSettings {
  keyLength: number;
  randomBit: number;
  hashMethod: string;
  finalHashMethod: string;
  salt: string;
}

/** RSA settings from `rsa_params` (FATE 1.7+) or the top-level params (FATE ≤1.6 confs). */
export function rsaSettings(params: Readonly<Record<string, unknown>>): RsaSettings {
  const nested = params.rsa_params;
  const rsa = nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : {};
  const pick = (key: string): unknown => rsa[key] ?? params[key] ?? undefined;
  const int = (key: string, fallback: number, min: number): number => {
    const v = pick(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new Error(`Intersection: parameter ${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const str = (key: string, fallback: string): string => {
    const v = pick(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') throw new Error(`Intersection: parameter ${key} must be a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const keyLength = int('key_length', RSA_DEFAULT_KEY_LENGTH, 64);
  if (keyLength % 2 !== 0) throw new Error(`Intersection: key_length must be even, got ${keyLength}`);
  const hashMethod = str('hash_method', 'sha256').toLowerCase();
  return {
    keyLength,
    randomBit: int('random_bit', RSA_BLINDING_BITS, 16),
    hashMethod,
    finalHashMethod: str('final_hash_method', hashMethod).toLowerCase(),
    salt: str('salt', ''),
  };
}

function asBigInts(payload: unknown, what: string): bigint[] {
  if (!Array.isArray(payload)) throw new Error(`Intersection: ${what} is not a list`);
  return payload.map((v) => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
    throw new Error(`Intersection: ${what} holds a non-integer value`);
  });
}

function asStrings(payload: unknown, what: string): string[] {
  if (!Array.isArray(payload)) throw new Error(`Intersection: ${what} is not a list`);
  return payload.map(String);
}

function asPublicKey(payload: unknown): RsaPublicKey {
  const p = payload as { n?: unknown; e?: unknown } | null;
  const big = (v: unknown) => (typeof v === 'bigint' ? v : typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : undefined);
  const n = big(p?.n);
  const e = big(p?.e);
  if (n === undefined || e === undefined) throw new Error('Intersection: malformed RSA public key from host');
  return { n, e };
}

export interface RsaRun {
  role: 'guest' | 'host';
  ownIds: readonly string[];
  guest: PartyRef;
  hosts: readonly PartyRef[];
  tag: string;
  sync: boolean;
  settings: RsaSettings;
  /** Where the batches run (benches and tests); default: helper threads for large inputs. */
  pool?: CryptoPool;
}

/** Fills a packed output of `count × width` bytes from per-batch packed results. */
async function packedBatches(
  pool: CryptoPool,
  count: number,
  width: number,
  signal: AbortSignal,
  task: (from: number, to: number) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const out = new Uint8Array(count * width);
  await pool.forEachBatch(count, BATCH, task, (from, packed) => out.set(packed, from * width), signal);
  signal.throwIfAborted();
  return out;
}

/** Runs the RSA PSI; resolves to this party's intersected ids, or undefined when it learns nothing. */
export async function rsaIntersect(run: RsaRun, context: ComponentContext): Promise<string[] | undefined> {
  const kept = await rsaIntersectIndexes(run, context);
  return kept && Array.from(kept, (i) => run.ownIds[i]!);
}

/** Indexes where `yes` is set, ascending. */
function indexesOf(yes: Uint8Array): Int32Array {
  const out = new Int32Array(yes.length);
  let count = 0;
  for (let i = 0; i < yes.length; i++) if (yes[i]) out[count++] = i;
  return out.subarray(0, count);
}

/**
 * The RSA PSI, resolving to the indexes (ascending) of this party's ids in the intersection, or
 * undefined when it learns nothing: the component keeps its rows (or columns) at them directly.
 */
export async function rsaIntersectIndexes(run: RsaRun, { federation, signal }: ComponentContext): Promise<Int32Array | undefined> {
  const { ownIds, guest, hosts, tag, sync, settings } = run;
  const hashing: RsaHashing = {
    salt: settings.salt,
    hashMethod: settings.hashMethod,
    finalHashMethod: settings.finalHashMethod,
    randomBit: settings.randomBit,
  };
  const dWidth = digestWidth(settings.finalHashMethod);
  const poolOf = (count: number) => run.pool ?? poolFor(count, PARALLEL_MIN);

  if (run.role === 'host') {
    signal.throwIfAborted();
    const { publicKey, privateKey: key } = generateRsaKeyPair(settings.keyLength);
    signal.throwIfAborted();
    await federation.remote(RSA_PUBKEY, tag, { n: publicKey.n, e: publicKey.e }, [guest]);
    // Own ids: t = H2(sign(H1(id + salt))), packed in id order; the guest gets each distinct t once.
    const pool = poolOf(ownIds.length);
    const own = await packedBatches(pool, ownIds.length, dWidth, signal, (from, to) =>
      pool.run('rsa.hostDoubleHashes', { key, ids: ownIds.slice(from, to), hashing }, signal),
    );
    // (in a helper, so the hex list is garbage once sent)
    const sendDistinct = async () => {
      const distinct = new DigestSet(dWidth, ownIds.length);
      const ts: string[] = [];
      for (let i = 0; i < ownIds.length; i++) if (distinct.add(own, i * dWidth)) ts.push(hexAt(own, i, dWidth));
      await federation.remote(INTERSECT_HOST_IDS_PROCESS, tag, ts, [guest]);
    };
    await sendDistinct();
    // Sign the guest's blinded values, in order (in a helper, so both lists are garbage once sent).
    const signAndSend = async () => {
      const blinded = asBigInts(await federation.get(INTERSECT_GUEST_IDS, tag, guest), 'blinded guest ids');
      const width = slotWidth(key.n);
      const signPool = poolOf(blinded.length);
      const signed: bigint[] = new Array(blinded.length);
      await signPool.forEachBatch(
        blinded.length,
        BATCH,
        (from, to) => signPool.run('rsa.signSlots', { key, packed: packResidues(blinded.slice(from, to), key.n) }, signal),
        (from, packed) => unpackResidues(packed, width).forEach((z, i) => (signed[from + i] = z)),
        signal,
      );
      signal.throwIfAborted();
      await federation.remote(INTERSECT_GUEST_IDS_PROCESS, tag, signed, [guest]);
    };
    await signAndSend();
    if (!sync) return undefined;
    const matched = asStrings(await federation.get(INTERSECT_IDS, tag, guest), 'intersect ids');
    const keep = new DigestSet(dWidth, matched.length);
    for (const t of matched) keep.addHex(t);
    const matches = new Uint8Array(ownIds.length);
    for (let i = 0; i < ownIds.length; i++) matches[i] = keep.has(own, i * dWidth) ? 1 : 0;
    return indexesOf(matches);
  }

  // Guest: one protocol run per host, in parallel; each host's ids are blinded with fresh r.
  const pool = poolOf(ownIds.length);
  const rWidth = Math.ceil(settings.randomBit / 8);
  const perHost = await Promise.all(
    hosts.map(async (host) => {
      const key = asPublicKey(await federation.get(RSA_PUBKEY, tag, host));
      // Blind and send (in a helper, so the blinded list is garbage once sent); keep only r, packed.
      const blindAndSend = async (): Promise<Uint8Array> => {
        const width = slotWidth(key.n);
        const blinded: bigint[] = new Array(ownIds.length);
        const rs = new Uint8Array(ownIds.length * rWidth);
        await pool.forEachBatch(
          ownIds.length,
          BATCH,
          (from, to) => pool.run('rsa.blindIds', { key, ids: ownIds.slice(from, to), hashing }, signal),
          (from, batch) => {
            unpackResidues(batch.blinded, width).forEach((y, i) => (blinded[from + i] = y));
            rs.set(batch.rs, from * rWidth);
          },
          signal,
        );
        signal.throwIfAborted();
        await federation.remote(INTERSECT_GUEST_IDS, tag, blinded, [host]);
        return rs;
      };
      const rs = await blindAndSend();
      const hostTs = asStrings(await federation.get(INTERSECT_HOST_IDS_PROCESS, tag, host), 'host double hashes');
      const hostSet = new DigestSet(dWidth, hostTs.length);
      for (const t of hostTs) hostSet.addHex(t);
      const signed = asBigInts(await federation.get(INTERSECT_GUEST_IDS_PROCESS, tag, host), 'signed guest ids');
      if (signed.length !== ownIds.length) {
        throw new Error(`Intersection: host ${host.partyId} returned ${signed.length} signatures for ${ownIds.length} ids`);
      }
      // Guest's double hash per own id (index-aligned with ownIds), packed.
      const ts = await packedBatches(pool, ownIds.length, dWidth, signal, (from, to) =>
        pool.run(
          'rsa.unblind',
          { key, signed: packResidues(signed.slice(from, to), key.n), rs: rs.slice(from * rWidth, to * rWidth), hashing },
          signal,
        ),
      );
      return { host, ts, hostSet };
    }),
  );
  signal.throwIfAborted();
  const inAll = new Uint8Array(ownIds.length);
  for (let i = 0; i < ownIds.length; i++) inAll[i] = perHost.every(({ ts, hostSet }) => hostSet.has(ts, i * dWidth)) ? 1 : 0;
  const kept = indexesOf(inAll);
  if (sync) {
    await Promise.all(
      perHost.map(({ host, ts }) => {
        const seen = new DigestSet(dWidth, kept.length);
        const matched: string[] = [];
        for (const i of kept) if (seen.add(ts, i * dWidth)) matched.push(hexAt(ts, i, dWidth));
        return federation.remote(INTERSECT_IDS, tag, matched, [host]);
      }),
    );
  }
  return kept;
}
