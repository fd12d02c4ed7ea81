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
import type { ComponentContext, PartyRef } from '../contract.js';
import {
  RSA_BLINDING_BITS,
  type RsaPublicKey,
  finalHash,
  generateRsaKeyPair,
  hashToBigInt,
  randomBlindingFactor,
  rsaBlind,
  rsaSigner,
  rsaUnblind,
} from '../crypto/rsa.js';
import { signInParallel } from '../crypto/parallelRsaSign.js';

const TV = 'RsaIntersectTransferVariable';
export const RSA_PUBKEY = `${TV}.rsa_pubkey`;
export const INTERSECT_HOST_IDS_PROCESS = `${TV}.intersect_host_ids_process`;
export const INTERSECT_GUEST_IDS = `${TV}.intersect_guest_ids`;
export const INTERSECT_GUEST_IDS_PROCESS = `${TV}.intersect_guest_ids_process`;
export const INTERSECT_IDS = `${TV}.intersect_ids`;

export const RSA_DEFAULT_KEY_LENGTH = 1024;
/** How many modular operations between yields to the event loop (so an abort can land). */
const CHUNK = 64;

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

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** map over items, yielding to the event loop every CHUNK items and honouring the signal. */
async function mapChunked<T, U>(items: readonly T[], signal: AbortSignal, fn: (item: T) => U): Promise<U[]> {
  const out: U[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i % CHUNK === 0) {
      signal.throwIfAborted();
      if (i > 0) await tick();
    }
    out[i] = fn(items[i]!);
  }
  signal.throwIfAborted();
  return out;
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
}

/** Runs the RSA PSI; resolves to this party's intersected ids, or undefined when it learns nothing. */
export async function rsaIntersect(run: RsaRun, { federation, signal }: ComponentContext): Promise<string[] | undefined> {
  const { ownIds, guest, hosts, tag, sync, settings } = run;
  const { salt, hashMethod, finalHashMethod } = settings;

  if (run.role === 'host') {
    signal.throwIfAborted();
    const { publicKey, privateKey } = generateRsaKeyPair(settings.keyLength);
    const sign = rsaSigner(privateKey);
    signal.throwIfAborted();
    await federation.remote(RSA_PUBKEY, tag, { n: publicKey.n, e: publicKey.e }, [guest]);
    // Own ids: t = H2(sign(H1(id + salt))), keeping t → ids.
    // Large batches are split across helper threads (the calling thread signs a share as well).
    const signAll = (values: readonly bigint[]) =>
      signInParallel(privateKey, values, (share) => mapChunked(share, signal, sign), signal);
    const ownH1 = ownIds.map((id) => hashToBigInt(id, salt, hashMethod));
    const own = (await signAll(ownH1)).map((s) => finalHash(s, salt, finalHashMethod));
    const byT = new Map<string, string[]>();
    own.forEach((t, i) => {
      const list = byT.get(t);
      if (list) list.push(ownIds[i]!);
      else byT.set(t, [ownIds[i]!]);
    });
    await federation.remote(INTERSECT_HOST_IDS_PROCESS, tag, [...byT.keys()], [guest]);
    // Sign the guest's blinded values.
    const blinded = asBigInts(await federation.get(INTERSECT_GUEST_IDS, tag, guest), 'blinded guest ids');
    const signed = await signAll(blinded);
    await federation.remote(INTERSECT_GUEST_IDS_PROCESS, tag, signed, [guest]);
    if (!sync) return undefined;
    const matched = asStrings(await federation.get(INTERSECT_IDS, tag, guest), 'intersect ids');
    const keep = new Set<string>();
    for (const t of matched) for (const id of byT.get(t) ?? []) keep.add(id);
    return ownIds.filter((id) => keep.has(id));
  }

  // Guest: one protocol run per host, in parallel; H1 of the own ids is shared.
  const h1 = await mapChunked(ownIds, signal, (id) => hashToBigInt(id, salt, hashMethod));
  const perHost = await Promise.all(
    hosts.map(async (host) => {
      const key = asPublicKey(await federation.get(RSA_PUBKEY, tag, host));
      const rs = await mapChunked(h1, signal, () => randomBlindingFactor(key, settings.randomBit));
      const blinded = await mapChunked(h1.map((h, i) => [h, rs[i]!] as const), signal, ([h, r]) => rsaBlind(h, r, key));
      await federation.remote(INTERSECT_GUEST_IDS, tag, blinded, [host]);
      const hostTs = new Set(asStrings(await federation.get(INTERSECT_HOST_IDS_PROCESS, tag, host), 'host double hashes'));
      const signed = asBigInts(await federation.get(INTERSECT_GUEST_IDS_PROCESS, tag, host), 'signed guest ids');
      if (signed.length !== blinded.length) {
        throw new Error(`Intersection: host ${host.partyId} returned ${signed.length} signatures for ${blinded.length} ids`);
      }
      // Guest's double hash per own id (index-aligned with ownIds).
      const ts = await mapChunked(signed.map((z, i) => [z, rs[i]!] as const), signal, ([z, r]) =>
        finalHash(rsaUnblind(z, r, key), salt, finalHashMethod),
      );
      return { host, ts, hostTs };
    }),
  );
  signal.throwIfAborted();
  const inAll = ownIds.map((_, i) => perHost.every(({ ts, hostTs }) => hostTs.has(ts[i]!)));
  const intersectIds = ownIds.filter((_, i) => inAll[i]);
  if (sync) {
    await Promise.all(
      perHost.map(({ host, ts }) => {
        const matched = [...new Set(ts.filter((_, i) => inAll[i]))];
        return federation.remote(INTERSECT_IDS, tag, matched, [host]);
      }),
    );
  }
  return intersectIds;
}
