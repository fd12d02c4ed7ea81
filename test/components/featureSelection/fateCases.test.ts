// fedflow's selection against FATE 1.4.5's own answers on 60 generated jobs (see
// test/fixtures/featureSelection/README.md): every filter, in random orders and combinations, with
// one or two hosts, select_col_indexes/select_names, and IVs from a binning model.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentOutput, PartyRef } from '../../../src/components/contract.js';
import { heteroFeatureSelection } from '../../../src/components/featureSelection/featureSelection.js';
import { FIXTURES } from '../../support/fixtures.js';
import { InProcessJob, componentInput } from '../../support/inProcessFederation.js';
import { guestBinning, hostBinning, table } from './support.js';

interface PartyAnswer {
  finalLeft: string[];
  results: any[];
  colNames: string[];
  hostColNames: string[][];
  cols: string[];
  meta: Record<string, Record<string, unknown>>;
}
interface Case {
  seed: number;
  params: Record<string, unknown>;
  guest: { header: string[]; rows: number[][]; ivs: Record<string, number> };
  hosts: { header: string[]; rows: number[][]; ivs: Record<string, number> }[];
  fate: { guest: PartyAnswer; hosts: PartyAnswer[] };
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'featureSelection', 'fate-1.4.5-cases.json'), 'utf8')) as Case[];
const t = suite('HeteroFeatureSelection vs FATE 1.4.5');

const columns = (header: string[], rows: number[][]) => Object.fromEntries(header.map((h, i) => [h, rows.map((r) => r[i]!)]));
/** FATE's proto maps hold doubles: True/False become 1/0. */
const num = (v: unknown) => (typeof v === 'boolean' ? Number(v) : (v as number));

function sameValues(actual: Record<string, number>, expected: Record<string, unknown>, where: string) {
  assert.equal(Object.keys(actual).sort(), Object.keys(expected).sort(), `${where}: columns`);
  for (const [k, v] of Object.entries(expected)) assert.ok(Math.abs(actual[k]! - num(v)) <= 1e-9 * Math.max(1, Math.abs(num(v))), `${where} ${k}: ${actual[k]} vs FATE ${String(v)}`);
}

function sameLeftCols(actual: any, expected: any, where: string) {
  assert.equal(actual.originalCols, expected.original_cols, `${where}: original_cols`);
  assert.equal(Object.keys(actual.leftCols).sort(), Object.keys(expected.left_cols).sort(), `${where}: left_cols`);
}

function compare(out: ComponentOutput, fate: PartyAnswer, where: string) {
  assert.equal(out.data!.schema.header, fate.finalLeft, `${where}: output columns`);
  const param = out.model!.FeatureSelectionParam as any;
  const meta = out.model!.FeatureSelectionMeta as any;
  assert.equal(param.results.length, fate.results.length, `${where}: results`);
  fate.results.forEach((r, i) => {
    const mine = param.results[i];
    const at = `${where} result ${i} (${r.filter_name})`;
    assert.is(mine.filterName, r.filter_name, at);
    sameValues(mine.featureValues, r.feature_values, at);
    sameLeftCols(mine.leftCols, r.left_cols, at);
    assert.is(mine.hostLeftCols.length, r.host_left_cols.length, `${at}: hosts`);
    r.host_left_cols.forEach((h: any, j: number) => sameLeftCols(mine.hostLeftCols[j], h, `${at} host ${j}`));
    r.host_feature_values.forEach((h: any, j: number) => sameValues(mine.hostFeatureValues[j].featureValues, h.feature_values, `${at} host ${j}`));
  });
  assert.equal(param.colNames, fate.colNames, `${where}: col_names`);
  assert.equal(param.hostColNames.map((h: any) => h.colNames), fate.hostColNames, `${where}: host_col_names`);
  assert.equal(meta.cols, fate.cols, `${where}: cols`);
  assert.equal(param.finalLeftCols.originalCols, fate.cols, `${where}: final_left_cols.original_cols`);
  const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const [field, value] of Object.entries(fate.meta)) {
    const mine = meta[camel(field)];
    assert.ok(mine, `${where}: meta ${field}`);
    for (const [k, v] of Object.entries(value)) {
      if (v === false || v === 0) continue; // proto3 defaults: fedflow may omit them too
      assert.equal(mine[camel(k)], v, `${where}: meta ${field}.${k}`);
    }
  }
}

for (const c of cases) {
  t(`seed ${c.seed}: ${(c.params.filter_methods as string[]).join(', ')} with ${c.hosts.length} host(s)`, async () => {
    const job = new InProcessJob();
    const hostIds = c.hosts.map((_, i) => String(10000 + i));
    const roles = { guest: ['9999'], host: hostIds };
    const binning = guestBinning(Object.fromEntries(c.hosts.map((h, i) => [hostIds[i]!, h.ivs])));
    // The generated guest IVs replace the support's fixed ones.
    (binning.FeatureBinningParam as any).binningResult.binningResult = Object.fromEntries(Object.entries(c.guest.ivs).map(([k, iv]) => [k, { iv }]));
    (binning.FeatureBinningParam as any).header = c.guest.header;
    const parties: [PartyRef, ReturnType<typeof table>, ReturnType<typeof guestBinning>][] = [
      [{ role: 'guest', partyId: '9999' }, table(columns(c.guest.header, c.guest.rows)), binning],
      ...c.hosts.map((h, i): [PartyRef, ReturnType<typeof table>, ReturnType<typeof guestBinning>] =>
        [{ role: 'host', partyId: hostIds[i]! }, table(columns(h.header, h.rows), false), hostBinning(h.header)]),
    ];
    const outs = await Promise.all(parties.map(([ref, data, isometricModel]) => heteroFeatureSelection(
      componentInput({ module: 'HeteroFeatureSelection', role: ref.role, roles, params: c.params, data: { data }, isometricModel }),
      job.context(ref),
    )));
    assert.is(job.undelivered(), 0);
    compare(outs[0]!, c.fate.guest, 'guest');
    c.fate.hosts.forEach((h, i) => compare(outs[i + 1]!, h, `host ${i}`));
  });
}

t.run();
