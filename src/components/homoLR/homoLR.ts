// HomoLR (FATE 1.x federatedml/linear_model/logistic_regression/homo_logistic_regression, the
// FedAvg of homo_lr_{guest,host,arbiter}.py): guest and hosts each hold whole rows (same features,
// their own samples and labels) and train locally; the arbiter averages their models by secure
// aggregation, so it learns only the weighted sum. Transfer variables (HomoLRTransferVariable):
//   setup, tag `fit`:   client → other clients  dh_ciphertext_guest / dh_ciphertext_host (X25519 public key)
//   each aggregation, tag `<n_iter>` (n_iter > 0 and a multiple of aggregate_iters, or max_iter):
//     client  → arbiter guest_model / host_model  masked [w·degree…, degree]  (degree = rows processed since the last aggregation)
//     arbiter → clients aggregated_model          Σ w·degree / Σ degree
//     client  → arbiter guest_loss / host_loss    masked [loss·degree] (loss of the new model on its rows)
//     arbiter → clients is_converge               early_stop on the weighted mean loss (or the model)
// then each client runs its local epochs: mini-batches, the exact logistic gradient, FATE's optimizer
// with its penalty. As in FATE the loop runs n_iter = 0…max_iter and aggregates at the end, so the
// arbiter logs `train/loss` with keys 1…max_iter and every client ends with the aggregated model.
import type { Component, ComponentContext, ComponentInput, ComponentOutput, DataTable, Instance, PartyRef } from '../contract.js';
import { readCvParam } from '../crossValidation/kFold.js';
import { crossValidateHomo } from './crossValidate.js';
import { initWeights, PartyOptimizer, seededRandom } from '../heteroLR/params.js';
import { alignTo, loadModel, localLoss, localRows, meanGradient, modelBuffers, PREDICT_HEADER, predictRows } from './localModel.js';
import { type HomoLogisticParam, readHomoParams } from './params.js';
import { KeyAgreement, PairwiseMasker, sumMasked } from './secureAggregation.js';

const PREFIX = 'HomoLRTransferVariable.';
const SETUP_TAG = 'fit';
const MODEL_STREAM = 0;
const LOSS_STREAM = 1;

export interface HomoLROptions {
  /**
   * false sends every model and loss in plain numbers: the same maths without masks, for the
   * benchmark's baseline and tests only. The registered component always masks.
   */
  readonly secureAggregation: boolean;
}

export interface Parties {
  /** Guest first, then hosts in conf order: the rank that decides each pair's mask sign. */
  readonly clients: PartyRef[];
  readonly arbiter: PartyRef;
}

export function partiesOf(input: ComponentInput): Parties {
  const guest = input.roles.guest?.[0];
  const arbiter = input.roles.arbiter?.[0];
  const hosts = input.roles.host ?? [];
  if (guest === undefined || hosts.length === 0 || arbiter === undefined) {
    throw new Error('HomoLR: the job needs a guest, at least one host and an arbiter (secure aggregation pairs the training parties)');
  }
  return {
    clients: [{ role: 'guest', partyId: guest }, ...hosts.map((partyId) => ({ role: 'host', partyId }))],
    arbiter: { role: 'arbiter', partyId: arbiter },
  };
}

const partyName = (p: PartyRef) => `${p.role}:${p.partyId}`;
const variable = (base: 'dh_ciphertext' | 'model' | 'loss', p: PartyRef) =>
  base === 'dh_ciphertext' ? `dh_ciphertext_${p.role}` : `${p.role}_${base}`;

/** `scope` goes before every tag (`fold2.` in cross-validation), as FATE's flowid. */
class Channel {
  constructor(
    private readonly ctx: ComponentContext,
    private readonly scope = '',
  ) {}
  send(name: string, tag: string, payload: unknown, to: PartyRef | PartyRef[]): Promise<void> {
    return this.ctx.federation.remote(PREFIX + name, this.scope + tag, payload, Array.isArray(to) ? to : [to]);
  }
  async get<T>(name: string, tag: string, from: PartyRef): Promise<T> {
    this.ctx.signal.throwIfAborted();
    return (await this.ctx.federation.get(PREFIX + name, this.scope + tag, from)) as T;
  }
}

/** One fit's federation scope and loss metric name (FATE: `loss`, `loss.<fold>` in cross-validation). */
export interface FitScope {
  readonly scope: string;
  readonly lossName: string;
  readonly curveName: string;
}
const PLAIN: FitScope = { scope: '', lossName: 'loss', curveName: 'loss' };

/** FATE aggregates after local epoch n_iter − 1 when this holds (homo_lr_guest.py fit loop). */
const aggregatesAt = (nIter: number, p: HomoLogisticParam) => (nIter > 0 && nIter % p.aggregateIters === 0) || nIter === p.maxIter;

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

// ---------------------------------------------------------------------------------------------- arbiter

export async function runArbiter(input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, fit: FitScope = PLAIN): Promise<ComponentOutput> {
  const ch = new Channel(ctx, fit.scope);
  const sum = async (base: 'model' | 'loss', tag: string): Promise<number[]> => {
    const uploads: unknown[] = [];
    for (const client of parties.clients) uploads.push(await ch.get(variable(base, client), tag, client));
    if (options.secureAggregation) return sumMasked(uploads as bigint[][]);
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
    if (!aggregatesAt(nIter, p)) continue;
    const tag = String(nIter);
    const total = await sum('model', tag);
    const degree = total[total.length - 1]!;
    if (!(degree > 0)) throw new Error('HomoLR: the clients processed no rows since the last aggregation');
    model = total.slice(0, -1).map((v) => v / degree);
    await ch.send('aggregated_model', tag, model, parties.clients);
    const [lossSum] = await sum('loss', tag);
    const loss = lossSum! / degree;
    lossHistory.push(loss);
    ctx.tracker.logMetricData('train', fit.lossName, [[nIter, loss]]);
    const prev = lossHistory[lossHistory.length - 2];
    if (p.earlyStop === 'abs') converged = loss <= p.tol;
    else if (p.earlyStop === 'diff') converged = prev !== undefined && Math.abs(prev - loss) < p.tol;
    else converged = previous !== null && norm(model.map((w, j) => w - previous![j]!)) < p.tol * Math.max(norm(model), 1);
    previous = model;
    await ch.send('is_converge', tag, converged, parties.clients);
    ctx.tracker.setProgress(Math.round((nIter / p.maxIter) * 100));
    if (converged) break;
  }
  // FATE's arbiter has no data: it names the aggregated coefficients x0, x1, …
  const header = model.slice(0, -1).map((_, j) => `x${j}`);
  return { model: modelBuffers(p, { header, w: model, iters: Math.min(nIter, p.maxIter), lossHistory, converged }), modelModule: 'HomoLR' };
}

// ---------------------------------------------------------------------------------------------- clients

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
  if (t.rows.length === 0) throw new Error('HomoLR: train_data is empty');
  return t;
}

export async function runClient(input: ComponentInput, ctx: ComponentContext, p: HomoLogisticParam, parties: Parties, options: HomoLROptions, fit: FitScope = PLAIN): Promise<ComponentOutput> {
  const ch = new Channel(ctx, fit.scope);
  const me: PartyRef = { role: input.role, partyId: input.partyId };
  const table = trainTable(input);
  const rows = localRows(table);
  const k = table.schema.header.length;
  const masker = options.secureAggregation ? await agreeOnMasks(input, ch, parties, me) : null;
  const upload = (values: number[], round: number, stream: number) => (masker ? masker.mask(values, round, stream) : values);

  const n = rows.x.length;
  const size = p.batchSize === -1 || p.batchSize >= n ? n : p.batchSize;
  const rank = parties.clients.findIndex((c) => c.role === me.role && c.partyId === me.partyId);
  let w = initWeights(p.initMethod, k + 1, seededRandom(p.randomSeed === null ? null : p.randomSeed + rank));
  const optimizer = new PartyOptimizer(p, k);
  const lossHistory: number[] = [];
  let converged = false;
  let degree = 0;
  let nIter = 0;
  for (; nIter <= p.maxIter; nIter++) {
    if (aggregatesAt(nIter, p)) {
      const tag = String(nIter);
      await ch.send(variable('model', me), tag, upload([...w.map((v) => v * degree), degree], nIter, MODEL_STREAM), parties.arbiter);
      const aggregated = await ch.get<number[]>('aggregated_model', tag, parties.arbiter);
      if (!Array.isArray(aggregated) || aggregated.length !== k + 1) {
        throw new Error(`HomoLR: the aggregated model has ${Array.isArray(aggregated) ? aggregated.length : '?'} values, this party has ${k} features + intercept (do all parties have the same header?)`);
      }
      w = aggregated;
      const loss = localLoss(rows, w, p);
      lossHistory.push(loss);
      await ch.send(variable('loss', me), tag, upload([loss * degree], nIter, LOSS_STREAM), parties.arbiter);
      degree = 0;
      converged = await ch.get<boolean>('is_converge', tag, parties.arbiter);
      ctx.tracker.setProgress(Math.round((nIter / p.maxIter) * 100));
      if (converged || nIter === p.maxIter) break;
    }
    for (let from = 0; from < n; from += size) {
      ctx.signal.throwIfAborted();
      const to = Math.min(n, from + size);
      w = optimizer.step(w, meanGradient(rows, w, from, to), nIter).weights;
      degree += to - from;
    }
  }
  const out = predictRows(table, w, p.threshold, 'train');
  const evalData = input.data.eval_data as DataTable<Instance> | undefined;
  if (evalData) {
    // Table union: a key already present keeps its train row.
    const seen = new Set(out.map(([key]) => key));
    for (const row of predictRows(alignTo(evalData, table.schema.header), w, p.threshold, 'validate')) if (!seen.has(row[0])) out.push(row);
  }
  return {
    data: { schema: { header: [...PREDICT_HEADER], sid_name: table.schema.sid_name }, rows: out },
    model: modelBuffers(p, { header: table.schema.header, w, iters: Math.min(nIter, p.maxIter), lossHistory, converged }),
    modelModule: 'HomoLR',
  };
}

/** A predict job: each client scores its own rows with the stored model; no party talks. */
function predictFromModel(input: ComponentInput): ComponentOutput {
  if (input.role === 'arbiter') return { model: input.model };
  const table = (input.data.eval_data ?? input.data.data ?? input.data.train_data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('HomoLR: no input data to predict');
  const { header, w, threshold } = loadModel(input.model!);
  return {
    data: { schema: { header: [...PREDICT_HEADER], sid_name: table.schema.sid_name }, rows: predictRows(alignTo(table, header), w, threshold, 'test') },
    model: input.model,
    modelModule: 'HomoLR',
  };
}

export function homoLRWith(options: HomoLROptions): Component {
  return async (input, ctx) => {
    if (input.model) return predictFromModel(input);
    const p = readHomoParams(input.params);
    const parties = partiesOf(input);
    const cv = readCvParam(input.params, 'HomoLR');
    if (cv.needCv) return crossValidateHomo(input, ctx, p, parties, options, cv);
    switch (input.role) {
      case 'arbiter':
        return runArbiter(input, ctx, p, parties, options);
      case 'guest':
      case 'host':
        return runClient(input, ctx, p, parties, options);
      default:
        throw new Error(`HomoLR: unknown role ${input.role}`);
    }
  };
}

export const homoLR: Component = homoLRWith({ secureAggregation: true });
