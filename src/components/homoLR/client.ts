// A training party of HomoLR (homo_lr_guest.py / homo_lr_host.py): local epochs of mini-batch SGD on
// its own rows, its model averaged with the others' by the arbiter at each aggregation.
//
// Two modes, per party, and how they combine:
//  - plaintext (the guest always; a host whose encrypt_param.method is null): exact logistic gradient
//    in clear; uploads [w·degree…, degree] and [loss·degree, degree] masked with pairwise pads
//    (secureAggregation.ts), receives the average in clear. The arbiter learns only the sums.
//  - encrypted (a host with method Paillier, FATE's default): its model exists only as ciphertexts
//    under a key the arbiter made for it; it trains with FATE's Taylor gradient on them
//    (encryptedModel.ts), has the arbiter refresh them every re_encrypt_batches batches (blinded),
//    uploads Enc(w·degree) with its same pairwise pads added inside the ciphertexts, and receives the
//    average encrypted. It never sees its model, the average or the loss; its output rows carry labels
//    the arbiter decides (scores stay unknown to both). Its loss upload is a masked zero.
// Because every client adds its pads in either form, the pads cancel in the arbiter's sum whatever
// the mix of modes: the arbiter learns the average model (as in FATE) and no single party's model.
import { rowCountOf } from '../../tableData/columns.js';
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { ComponentContext, ComponentInput, ComponentOutput, ModelBuffers, PartyRef } from '../contract.js';
import { type PredictColumns, predictRowsOf, predictSchema, predictTable } from '../../tableData/predictColumns.js';
import type { PaillierPublicKey } from '../crypto/paillier.js';
import { initWeights, PartyOptimizer, seededRandom } from '../linearModel/params.js';
import {
  aggregatesAt, Channel, type FitScope, type HomoLROptions, LOSS_STREAM, MODEL_STREAM, type Parties, partyName, PLAIN_FIT, variable,
} from './channel.js';
import {
  applyAffine, type CipherVector, decayedRate, encryptVector, maskCiphertexts, maxBatchesBetweenRefresh, scaleBy, taylorStep,
} from './encryptedModel.js';
import {
  encryptedPredictRows, featureRowPieces, isEmpty, localLoss, localRows, meanGradient, modelBuffers, orderOf,
} from './localModel.js';
import { firstRowPerKey, predictionRows, predictionSets } from './predictions.js';
import { cipherVector, optIn, requestLabels, requestRefresh, sendRefreshPlan } from './paillierMode.js';
import type { HomoLogisticParam } from './params.js';
import { KeyAgreement, PairwiseMasker } from './secureAggregation.js';
import { needsValidation, validate } from './validation.js';

const SETUP_TAG = 'fit';

/** Pairwise mask keys with every other client, exchanged directly (the arbiter never sees them). */
async function agreeOnMasks(input: ComponentInput, ch: Channel, parties: Parties, me: PartyRef): Promise<PairwiseMasker> {
  const mine = parties.clients.findIndex((c) => c.role === me.role && c.partyId === me.partyId);
  if (mine < 0) throw new Error(`HomoLR: ${partyName(me)} is not a training party of the job`);
  const others = parties.clients.filter((_, i) => i !== mine);
  const keys = new KeyAgreement();
  await ch.send(variable('dh_ciphertext', me), SETUP_TAG, keys.publicKey, others);
  const context = `${input.jobId}/${input.componentName}`;
  const peers = [];
  for (const [i, peer] of parties.clients.entries()) {
    if (i === mine) continue;
    const publicKey = await ch.get<unknown>(variable('dh_ciphertext', peer), SETUP_TAG, peer);
    if (typeof publicKey !== 'string') throw new Error(`HomoLR: ${partyName(peer)} sent no X25519 public key`);
    const [low, high] = i < mine ? [peer, me] : [me, peer];
    peers.push({ sign: (mine < i ? 1 : -1) as 1 | -1, key: keys.pairKey(publicKey, context, partyName(low), partyName(high)) });
  }
  return new PairwiseMasker(peers);
}

function trainTable(input: ComponentInput): DataTable<Instance> {
  const t = (input.data.train_data ?? input.data.data) as DataTable<Instance> | undefined;
  if (!t) throw new Error('HomoLR: no train_data');
  if (isEmpty(t)) throw new Error('HomoLR: train_data is empty');
  return t;
}

/**
 * What a client's fit predicts of its train rows and eval_data rows: typed predict columns per set
 * (a plaintext party: predictions.ts), or FATE's rows (an encrypted host, whose labels the arbiter
 * decides, or rows not of one shape), already a union when there are both sets.
 */
export type ClientPredictions = { readonly sets: PredictColumns[] } | { readonly rows: Row[] };

type Row = [string, unknown[]];

/** A key's first row only, in order (the union of a DTable). */
function firstRows(rows: readonly Row[]): Row[] {
  const seen = new Set<string>();
  return rows.filter(([key]) => (seen.has(key) ? false : (seen.add(key), true)));
}

export async function runClient(
  input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, fit: FitScope = PLAIN_FIT,
): Promise<ComponentOutput> {
  const { model, predictions, table } = await fitClient(input, ctx, p, parties, options, fit);
  const schema = predictSchema(table.schema.sid_name);
  if ('rows' in predictions) return { data: { schema, rows: predictions.rows }, model, modelModule: 'HomoLR' };
  const { sets } = predictions;
  // Without eval_data, a plaintext party's predictions are typed columns of its own (no row built).
  if (sets.length === 1) return { data: predictTable(schema, sets[0]!), model, modelModule: 'HomoLR' };
  return { data: { schema, rows: firstRowPerKey(sets).flatMap((set) => predictRowsOf(set)) }, model, modelModule: 'HomoLR' };
}

/** A client's fit: its model and its predictions of its train (and eval_data) rows with it. */
export async function fitClient(
  input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, fit: FitScope = PLAIN_FIT,
): Promise<{ model: ModelBuffers; predictions: ClientPredictions; table: DataTable<Instance> }> {
  const ch = new Channel(ctx, fit.scope);
  const { secureAggregation } = options;
  const me: PartyRef = { role: input.role, partyId: input.partyId };
  const table = trainTable(input);
  const evalData = input.data.eval_data as DataTable<Instance> | undefined;
  const rows = localRows(table);
  const k = table.schema.header.length;
  const masker = secureAggregation ? await agreeOnMasks(input, ch, parties, me) : null;
  const upload = (values: number[], round: number, stream: number) => (masker ? masker.mask(values, round, stream) : values);
  const pads = (count: number, round: number) => (masker ? masker.mask(new Array<number>(count).fill(0), round, MODEL_STREAM) : new Array<bigint>(count).fill(0n));

  const n = rows.n;
  const size = p.batchSize === -1 || p.batchSize >= n ? n : p.batchSize;
  const batches = Math.ceil(n / size);
  // The guest never encrypts (FATE's guest ignores encrypt_param); each host decides for itself.
  const pk: PaillierPublicKey | null = me.role === 'host' ? await optIn(ch, parties.arbiter, p.paillier, SETUP_TAG) : null;
  if (pk) {
    const room = maxBatchesBetweenRefresh(pk.bitLength);
    if (p.reEncryptBatches > room) {
      throw new Error(`HomoLR: re_encrypt_batches ${p.reEncryptBatches} is too large for a ${pk.bitLength}-bit key (at most ${room} batches fit between refreshes)`);
    }
    await sendRefreshPlan(ch, parties.arbiter, { times: Math.ceil(batches / p.reEncryptBatches), every: p.reEncryptBatches });
  }

  const rank = parties.clients.findIndex((c) => c.role === me.role && c.partyId === me.partyId);
  let w = initWeights(p.initMethod, k + 1, seededRandom(p.randomSeed === null ? null : p.randomSeed + rank));
  let wEnc: CipherVector | null = pk ? encryptVector(pk, w) : null;
  /** The model FATE's self.model_weights holds: the init model, then each aggregated one (validation uses it). */
  let held = w;
  const optimizer = new PartyOptimizer(p, k);
  const lossHistory: number[] = [];
  let converged = false;
  let degree = 0;
  let nIter = 0;
  for (; nIter <= p.maxIter; nIter++) {
    if (aggregatesAt(nIter, p)) {
      const tag = String(nIter);
      // FATE's aggregator weighs a party that processed no rows yet (the aggregation at n_iter 0)
      // as 1 (`get_degree() or 1.0`), so the first aggregation averages the initial models.
      const weight = degree || 1;
      if (pk && wEnc) {
        const withDegree = scaleBy(pk, wEnc, weight);
        const values = [...withDegree.values, pk.encrypt(BigInt(weight) << BigInt(withDegree.scale))];
        await ch.send(variable('model', me), tag, maskCiphertexts(pk, { values, scale: withDegree.scale }, pads(k + 2, nIter)), parties.arbiter);
        wEnc = cipherVector(await ch.get('aggregated_model', tag, parties.arbiter), k + 1, 'the arbiter');
        await ch.send(variable('loss', me), tag, upload([0, 0], nIter, LOSS_STREAM), parties.arbiter);
      } else {
        await ch.send(variable('model', me), tag, upload([...w.map((v) => v * weight), weight], nIter, MODEL_STREAM), parties.arbiter);
        const aggregated = await ch.get<number[]>('aggregated_model', tag, parties.arbiter);
        if (!Array.isArray(aggregated) || aggregated.length !== k + 1) {
          throw new Error(`HomoLR: the aggregated model has ${Array.isArray(aggregated) ? aggregated.length : '?'} values, this party has ${k} features + intercept (do all parties have the same header?)`);
        }
        w = aggregated;
        held = w;
        const loss = localLoss(rows, w, p);
        lossHistory.push(loss);
        await ch.send(variable('loss', me), tag, upload([loss * weight, weight], nIter, LOSS_STREAM), parties.arbiter);
      }
      degree = 0;
      converged = await ch.get<boolean>('is_converge', tag, parties.arbiter);
      ctx.tracker.setProgress(Math.round((nIter / p.maxIter) * 100));
      if (converged || nIter === p.maxIter) break;
    }
    let batch = 0;
    for (let from = 0; from < n; from += size, batch++) {
      ctx.signal.throwIfAborted();
      const to = Math.min(n, from + size);
      if (pk && wEnc) {
        const { a, c } = taylorStep(rows, from, to, decayedRate(p, nIter), p.penalty === 'L2' ? p.alpha : 0);
        wEnc = applyAffine(pk, wEnc, a, c);
        if (batch % p.reEncryptBatches === 0) wEnc = await requestRefresh(ch, parties.arbiter, pk, wEnc, nIter, batch);
      } else {
        w = optimizer.step(w, meanGradient(rows, w, from, to), nIter).weights;
      }
      degree += to - from;
    }
    if (me.role === 'guest' && needsValidation(p, nIter)) await validate(ctx, p, nIter, held, table, evalData, fit.dataSetPrefix);
  }

  const model = modelBuffers(p, { header: table.schema.header, w, iters: Math.min(nIter, p.maxIter), lossHistory, converged, encrypted: pk !== null });
  if (pk && wEnc) {
    const header = table.schema.header;
    const tables = [{ t: table, type: 'train' }, ...(evalData ? [{ t: evalData, type: 'validate' }] : [])];
    // Every row's blinded score, read a piece at a time (one message, as before).
    const pieces = { *[Symbol.iterator]() { for (const { t } of tables) yield* featureRowPieces(t, header); } };
    const counts = tables.map(({ t }) => (t.columns ? rowCountOf(t.columns) : t.rows.length));
    if (evalData) orderOf(evalData.schema.header, header);
    const labels = await requestLabels(ch, parties.arbiter, pk, wEnc, pieces, p.threshold, 'predict');
    let at = 0;
    const predicted = tables.flatMap(({ t, type }, j) => encryptedPredictRows(t, labels.slice(at, (at += counts[j]!)), type));
    return { model, predictions: { rows: firstRows(predicted) }, table };
  }
  const sets = predictionSets(table, evalData, w, p.threshold);
  if (sets) return { model, predictions: { sets }, table };
  const predicted = predictionRows(table, evalData, w, p.threshold);
  return { model, predictions: { rows: evalData ? firstRows(predicted.flat()) : predicted[0]! }, table };
}
