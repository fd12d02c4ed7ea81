// HomoLR (FATE 1.x federatedml/linear_model/logistic_regression/homo_logsitic_regression, the
// FedAvg of homo_lr_{guest,host,arbiter}.py): guest and hosts each hold whole rows (same features,
// their own samples and labels) and train locally; the arbiter averages their models by secure
// aggregation, so it learns only the weighted sum. Hosts may train encrypted (FATE's Paillier mode,
// see client.ts for how the modes combine). Transfer variables (HomoLRTransferVariable):
//   setup, tag `fit`:   client → other clients  dh_ciphertext_guest / dh_ciphertext_host (X25519 public key)
//                       host ↔ arbiter          use_encrypt, pailler_pubkey, re_encrypt_times (paillierMode.ts)
//   each aggregation, tag `<n_iter>` ((n_iter + 1) a multiple of aggregate_iters, or n_iter = max_iter):
//     client  → arbiter guest_model / host_model  masked [w·degree…, degree]  (degree = rows processed since the last aggregation)
//     arbiter → clients aggregated_model          Σ w·degree / Σ degree (encrypted for an encrypted host)
//     client  → arbiter guest_loss / host_loss    masked [loss·degree, degree] (loss of the new model on its rows)
//     arbiter → clients is_converge               early_stop on the weighted mean loss (or the model)
//   encrypted hosts, tag `<n_iter>.<batch>`: model_to_re_encrypt / model_re_encrypted
// then each client runs its local epochs: mini-batches, the exact logistic gradient (the Taylor one
// on ciphertexts), FATE's optimizer with its penalty. As in FATE 1.4.5 the loop runs n_iter =
// 0…max_iter and aggregates at the top of an epoch (with aggregate_iters 1: every epoch, n_iter 0
// included), so the arbiter logs `train/loss` with keys 0…max_iter and every client ends with the
// aggregated model.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import type { Component, ComponentContext, ComponentInput, ComponentOutput } from '../contract.js';
import { runArbiter } from './arbiter.js';
import { Channel, type HomoLROptions, partiesOf } from './channel.js';
import { runClient } from './client.js';
import { encryptedPredictRows, featureRowPieces, loadModel, orderOf, predictOutput } from './localModel.js';
import { predictSchema } from '../../tableData/predictColumns.js';
import { arbiterPredict, hostPredict, optIn } from './paillierMode.js';
import { readHomoParams } from './params.js';
import { readCvParam } from '../crossValidation/kFold.js';
import { crossValidateHomo } from './crossValidate.js';

export type { FitScope, HomoLROptions, Parties } from './channel.js';
export { partiesOf } from './channel.js';
export { runArbiter } from './arbiter.js';
export { runClient } from './client.js';

function keyLengthOf(params: ComponentInput['params']): number {
  const enc = params.encrypt_param as Record<string, unknown> | null | undefined;
  const v = enc && typeof enc === 'object' ? enc.key_length : undefined;
  if (v === undefined || v === null) return 1024;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 256) throw new Error(`HomoLR: encrypt_param.key_length must be an integer ≥ 256, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * A predict job (FATE's HomoLR predict): the guest and plaintext hosts score their own rows with the
 * stored model; every host tells the arbiter whether it was an encrypted host, and an encrypted host
 * (whose stored model has no weights) gets its labels from the arbiter, which holds the model.
 */
async function predictFromModel(input: ComponentInput, ctx: ComponentContext): Promise<ComponentOutput> {
  const parties = partiesOf(input);
  const ch = new Channel(ctx);
  const { header, w, threshold, encrypted } = loadModel(input.model!);
  if (input.role === 'arbiter') {
    await arbiterPredict(ch, parties.hosts, keyLengthOf(input.params), w);
    return { model: input.model, modelModule: 'HomoLR' };
  }
  const table = (input.data.eval_data ?? input.data.data ?? input.data.train_data) as DataTable<Instance> | undefined;
  if (!table) throw new Error('HomoLR: no input data to predict');
  // The table's features in the model's order (a missing one fails here); a big stored table is read a piece at a time.
  orderOf(table.schema.header, header);
  if (input.role === 'host' && encrypted) {
    const labels = await hostPredict(ch, parties.arbiter, header.length, featureRowPieces(table, header), threshold);
    const rows = encryptedPredictRows(table, labels, 'test');
    return { data: { schema: predictSchema(table.schema.sid_name), rows }, model: input.model, modelModule: 'HomoLR' };
  }
  if (input.role === 'host') await optIn(ch, parties.arbiter, false, 'predict');
  return { data: predictOutput(table, w, threshold, 'test', header), model: input.model, modelModule: 'HomoLR' };
}

export function homoLRWith(options: HomoLROptions): Component {
  return async (input, ctx) => {
    if (input.model) return predictFromModel(input, ctx);
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
