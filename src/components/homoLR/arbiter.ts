// The arbiter of HomoLR (homo_lr_arbiter.py): it has no data; it holds the Paillier keys of the hosts
// that encrypt, sums the masked models and losses, broadcasts the average (encrypted to each
// encrypted host under its key), refreshes those hosts' ciphertexts every re_encrypt_batches batches
// and decides convergence. What it learns: the weighted average model and mean loss of each
// aggregation (as in FATE); of an encrypted host it sees only masked or blinded values.
import type { ComponentContext, ComponentInput, ComponentOutput, PartyRef } from '../contract.js';
import { decodeFixed, sumMasked } from './secureAggregation.js';
import { aggregatesAt, Channel, type FitScope, type HomoLROptions, type Parties, partyName, PLAIN_FIT, variable } from './channel.js';
import { encryptVector, ringOf } from './encryptedModel.js';
import { modelBuffers } from './localModel.js';
import { cipherVector, type EncryptedHost, getRefreshPlan, keygen, type RefreshPlan, serveLabels, serveRefreshes } from './paillierMode.js';
import type { HomoLogisticParam } from './params.js';

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const same = (a: PartyRef, b: PartyRef) => a.role === b.role && a.partyId === b.partyId;

export async function runArbiter(
  input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, fit: FitScope = PLAIN_FIT,
): Promise<ComponentOutput> {
  const { secureAggregation } = options;
  const ch = new Channel(ctx, fit.scope);
  const encrypted: (EncryptedHost & RefreshPlan)[] = [];
  for (const h of await keygen(ch, parties.hosts, p.keyLength, 'fit', options.generateKeys)) encrypted.push({ ...h, ...(await getRefreshPlan(ch, h.host)) });
  const keyOf = (c: PartyRef) => encrypted.find((h) => same(h.host, c));

  /** Every client's upload as a ring vector (masked) or numbers (the unmasked test mode), summed. */
  const sum = async (base: 'model' | 'loss', tag: string): Promise<number[]> => {
    const uploads: (bigint[] | number[])[] = [];
    for (const client of parties.clients) {
      const raw = await ch.get<unknown>(variable(base, client), tag, client);
      const enc = base === 'model' ? keyOf(client) : undefined;
      if (enc) {
        const ring = ringOf(enc.key, cipherVector(raw, null, partyName(client)));
        uploads.push(secureAggregation ? ring : ring.map(decodeFixed));
      } else {
        if (!Array.isArray(raw)) throw new Error(`HomoLR: ${partyName(client)} sent no ${base} vector`);
        uploads.push(raw as bigint[] | number[]);
      }
    }
    if (secureAggregation) return sumMasked(uploads as bigint[][]);
    const plain = uploads as number[][];
    return plain[0]!.map((_, j) => plain.reduce((s, u) => s + u[j]!, 0));
  };

  ctx.tracker.setMetricMeta('train', fit.lossName, { name: 'train', metric_type: 'LOSS', unit_name: 'iters', curve_name: fit.curveName });
  const lossHistory: number[] = [];
  let model: number[] = [];
  let previous: number[] | null = null;
  let converged = false;
  let nIter = 0;
  for (; nIter <= p.maxIter; nIter++) {
    if (aggregatesAt(nIter, p)) {
      const tag = String(nIter);
      const total = await sum('model', tag);
      const degree = total[total.length - 1]!;
      if (!(degree > 0)) throw new Error('HomoLR: the clients processed no rows since the last aggregation');
      model = total.slice(0, -1).map((v) => v / degree);
      for (const client of parties.clients) {
        const enc = keyOf(client);
        const payload = enc ? encryptVector(enc.key.publicKey, model, () => enc.key.randomObfuscator()) : model;
        await ch.send('aggregated_model', tag, payload, client);
      }
      // Losses: [loss·degree, degree] from the guest and plaintext hosts; an encrypted host cannot
      // compute its loss and sends a masked zero (FATE: aggregate_loss over host_has_no_cipher_ids).
      const [lossSum, lossDegree] = await sum('loss', tag);
      const loss = lossSum! / lossDegree!;
      lossHistory.push(loss);
      ctx.tracker.logMetricData('train', fit.lossName, [[nIter, loss]]);
      const prev = lossHistory[lossHistory.length - 2];
      if (p.earlyStop === 'abs') converged = loss <= p.tol;
      else if (p.earlyStop === 'diff') converged = prev !== undefined && Math.abs(prev - loss) < p.tol;
      else converged = previous !== null && norm(model.map((w, j) => w - previous![j]!)) < p.tol * Math.max(norm(model), 1);
      previous = model;
      await ch.send('is_converge', tag, converged, parties.clients);
      ctx.tracker.setProgress(Math.round((nIter / p.maxIter) * 100));
      if (converged || nIter === p.maxIter) break;
    }
    await serveRefreshes(ch, nIter, encrypted);
  }
  // The encrypted hosts' output rows: their labels under the final model (HomoLRArbiter.predict).
  for (const h of encrypted) await serveLabels(ch, h, 'predict');
  // FATE's arbiter has no data: it names the aggregated coefficients x0, x1, …
  const header = model.slice(0, -1).map((_, j) => `x${j}`);
  return { model: modelBuffers(p, { header, w: model, iters: Math.min(nIter, p.maxIter), lossHistory, converged }), modelModule: 'HomoLR' };
}
