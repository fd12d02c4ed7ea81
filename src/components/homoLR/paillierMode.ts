// What crosses the federation in FATE 1.4's Paillier mode of HomoLR (framework/homo/blocks/
// paillier_cipher.py and homo_lr_{host,arbiter}.py), both sides:
//   host → arbiter  use_encrypt          whether this host opts in (every host says, tag `fit` / `predict`)
//   arbiter → host  pailler_pubkey (sic) n of a key pair the arbiter made for this host alone
//   host → arbiter  re_encrypt_times     refreshes per epoch, ⌈batches / re_encrypt_batches⌉
//   host → arbiter  model_to_re_encrypt  its ciphertext model, blinded (tag `<n_iter>.<batch>`)
//   arbiter → host  model_re_encrypted   the same values at the fresh scale, re-encrypted
//   arbiter → host  aggregated_model     (predict) the model encrypted under the host's key
//   host → arbiter  predict_wx           blinded encrypted scores of its rows
//   arbiter → host  predict_result       0/1 per row
import type { PartyRef } from '../contract.js';
import { generatePaillierKeyPair, type PaillierKeyPair, type PaillierPrivateKey, PaillierPublicKey } from '../crypto/paillier.js';
import { type Channel, partyName, refreshTag } from './channel.js';
import { blindedScores, blindForRefresh, type CipherVector, encryptVector, labelsOf, refresh, unblind } from './encryptedModel.js';

/**
 * re_encrypt_times: refreshes per epoch, and (fedflow) the host's re_encrypt_batches, so the arbiter
 * never assumes its own value for a host that set another one.
 */
export interface RefreshPlan {
  readonly times: number;
  readonly every: number;
}

export async function sendRefreshPlan(ch: Channel, arbiter: PartyRef, plan: RefreshPlan): Promise<void> {
  await ch.send('re_encrypt_times', 'fit', plan, arbiter);
}

export async function getRefreshPlan(ch: Channel, host: PartyRef): Promise<RefreshPlan> {
  const plan = await ch.get<RefreshPlan>('re_encrypt_times', 'fit', host);
  if (!plan || !Number.isInteger(plan.times) || !Number.isInteger(plan.every) || plan.times < 0 || plan.every < 1) {
    throw new Error(`HomoLR: ${partyName(host)} sent no re_encrypt_times`);
  }
  return plan;
}

export interface EncryptedHost {
  readonly host: PartyRef;
  readonly key: PaillierPrivateKey;
}

/** A CipherVector from the wire, checked (a malformed payload is an error, not a crash later). */
export function cipherVector(v: unknown, length: number | null, from: string): CipherVector {
  const c = v as CipherVector | null;
  if (!c || !Array.isArray(c.values) || typeof c.scale !== 'number' || !c.values.every((x) => typeof x === 'bigint')) {
    throw new Error(`HomoLR: ${from} sent no ciphertext vector`);
  }
  if (length !== null && c.values.length !== length) throw new Error(`HomoLR: ${from} sent ${c.values.length} ciphertexts, expected ${length}`);
  return c;
}

// ---------------------------------------------------------------------------------------------- arbiter

/** Every host says whether it encrypts; each one that does gets its own fresh key pair. */
export async function keygen(
  ch: Channel, hosts: readonly PartyRef[], keyLength: number, tag: string, generate: (bits: number) => PaillierKeyPair = generatePaillierKeyPair,
): Promise<EncryptedHost[]> {
  const out: EncryptedHost[] = [];
  for (const host of hosts) {
    const use = await ch.get<unknown>('use_encrypt', tag, host);
    if (typeof use !== 'boolean') throw new Error(`HomoLR: ${partyName(host)} sent no use_encrypt flag`);
    if (!use) continue;
    const { privateKey } = generate(keyLength);
    await ch.send('pailler_pubkey', tag, privateKey.publicKey.n, host);
    out.push({ host, key: privateKey });
  }
  return out;
}

/** One epoch of refreshes, FATE's order: batch index outer, hosts inner. */
export async function serveRefreshes(ch: Channel, nIter: number, hosts: readonly (EncryptedHost & RefreshPlan)[]): Promise<void> {
  for (let round = 0; ; round++) {
    const active = hosts.filter((h) => round < h.times);
    if (active.length === 0) return;
    for (const h of active) {
      const tag = refreshTag(nIter, round * h.every);
      const v = cipherVector(await ch.get('model_to_re_encrypt', tag, h.host), null, partyName(h.host));
      await ch.send('model_re_encrypted', tag, refresh(h.key, v), h.host);
    }
  }
}

/** Decides the labels of one encrypted host's rows. */
export async function serveLabels(ch: Channel, h: EncryptedHost, tag: string): Promise<void> {
  const v = cipherVector(await ch.get('predict_wx', tag, h.host), null, partyName(h.host));
  await ch.send('predict_result', tag, labelsOf(h.key, v), h.host);
}

/** A predict job at the arbiter: each encrypted host gets the stored model under a new key and its labels. */
export async function arbiterPredict(ch: Channel, hosts: readonly PartyRef[], keyLength: number, w: readonly number[]): Promise<void> {
  const tag = 'predict';
  for (const h of await keygen(ch, hosts, keyLength, tag)) {
    await ch.send('aggregated_model', tag, encryptVector(h.key.publicKey, w, () => h.key.randomObfuscator()), h.host);
    await serveLabels(ch, h, tag);
  }
}

// ---------------------------------------------------------------------------------------------- host

/** Tells the arbiter whether this host encrypts; returns the public key it then receives. */
export async function optIn(ch: Channel, arbiter: PartyRef, enable: boolean, tag: string): Promise<PaillierPublicKey | null> {
  await ch.send('use_encrypt', tag, enable, arbiter);
  if (!enable) return null;
  const n = await ch.get<unknown>('pailler_pubkey', tag, arbiter);
  if (typeof n !== 'bigint') throw new Error('HomoLR: the arbiter sent no Paillier public key');
  return new PaillierPublicKey(n);
}

export async function requestRefresh(ch: Channel, arbiter: PartyRef, pk: PaillierPublicKey, w: CipherVector, nIter: number, batch: number): Promise<CipherVector> {
  const tag = refreshTag(nIter, batch);
  const { sent, blinds } = blindForRefresh(pk, w);
  await ch.send('model_to_re_encrypt', tag, sent, arbiter);
  return unblind(pk, cipherVector(await ch.get('model_re_encrypted', tag, arbiter), w.values.length, 'the arbiter'), blinds);
}

/**
 * The labels of the rows under the encrypted model: the arbiter decides them from blinded scores.
 * `pieces`: the rows' features, a piece of rows at a time (localModel.ts featureRowPieces): one
 * message of every row's score, as before, but no array per row of the whole table held at once.
 */
export async function requestLabels(
  ch: Channel, arbiter: PartyRef, pk: PaillierPublicKey, w: CipherVector, pieces: Iterable<readonly (readonly number[])[]>, threshold: number, tag: string,
): Promise<number[]> {
  const values: bigint[] = [];
  let scale: number | undefined;
  for (const piece of pieces) {
    const scores = blindedScores(pk, w, piece, threshold);
    for (const v of scores.values) values.push(v);
    scale = scores.scale;
  }
  // No rows: the empty vector at the scores' scale (and the threshold checked), as for any rows.
  scale ??= blindedScores(pk, w, [], threshold).scale;
  await ch.send('predict_wx', tag, { values, scale } satisfies CipherVector, arbiter);
  const labels = await ch.get<unknown>('predict_result', tag, arbiter);
  if (!Array.isArray(labels) || labels.length !== values.length || !labels.every((l) => l === 0 || l === 1)) {
    throw new Error('HomoLR: the arbiter sent no labels for the rows');
  }
  return labels as number[];
}

/** A predict job at an encrypted host: the stored model stays with the arbiter; the host gets labels. */
export async function hostPredict(ch: Channel, arbiter: PartyRef, k: number, pieces: Iterable<readonly (readonly number[])[]>, threshold: number): Promise<number[]> {
  const tag = 'predict';
  const pk = (await optIn(ch, arbiter, true, tag))!;
  const w = cipherVector(await ch.get('aggregated_model', tag, arbiter), k + 1, 'the arbiter');
  return requestLabels(ch, arbiter, pk, w, pieces, threshold, tag);
}
