// The isometric model: HeteroFeatureBinning's FeatureBinningParam (FATE's feature-binning-param.proto):
// `binningResult.binningResult[col].iv` for this party's columns, and on the guest one
// `hostResults[i]` per host ({binningResult, role, partyId}) keyed by the host's anonymous column
// names (`host.<index in the host's header>`). Read by the proto JSON names (lowerCamelCase);
// snake_case names are accepted too, so a model read back from another tool works the same.
import type { ModelBuffers } from '../contract.js';

/** One party's IVs, in the binning model's column order. */
export type ColumnIvs = readonly (readonly [name: string, iv: number])[];

export interface BinningIvs {
  /** The binning model's header: a host encodes its column names by their index in it. */
  readonly header: readonly string[];
  readonly own: ColumnIvs;
  readonly hosts: readonly { readonly partyId?: string; readonly ivs: ColumnIvs }[];
}

const WHO = 'HeteroFeatureSelection';

function field(o: unknown, camel: string, snake: string): unknown {
  if (typeof o !== 'object' || o === null) return undefined;
  const r = o as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(r, camel) ? r[camel] : Object.prototype.hasOwnProperty.call(r, snake) ? r[snake] : undefined;
}

function ivsOf(result: unknown, where: string): ColumnIvs {
  const cols = field(result, 'binningResult', 'binning_result');
  if (cols === undefined || cols === null) return [];
  if (typeof cols !== 'object' || Array.isArray(cols)) throw new Error(`${WHO}: the binning model's ${where}.binningResult is not a map of columns`);
  return Object.entries(cols as Record<string, unknown>).map(([name, col]) => {
    const iv = Number(field(col, 'iv', 'iv') ?? 0);
    if (!Number.isFinite(iv)) throw new Error(`${WHO}: the binning model's IV of ${where} column ${name} is not a number`);
    return [name, iv] as const;
  });
}

/** The binning IVs of an isometric model, or a clear error when there is none to filter by. */
export function readBinningIvs(model: ModelBuffers | undefined): BinningIvs {
  const param = model?.FeatureBinningParam
    ?? Object.entries(model ?? {}).find(([name, b]) => name.endsWith('Param') && field(b, 'binningResult', 'binning_result') !== undefined)?.[1];
  if (!param) {
    throw new Error(`${WHO}: to use an IV filter (iv_value_thres, iv_percentile, iv_top_k), HeteroFeatureBinning must run before ` +
      "and its model be this component's input.isometric_model");
  }
  const header = field(param, 'header', 'header');
  const hosts = field(param, 'hostResults', 'host_results');
  const hostList: unknown[] = Array.isArray(hosts)
    ? hosts
    : hosts && typeof hosts === 'object'
      ? Object.entries(hosts).map(([partyId, r]) => ({ partyId, ...(r as object) }))
      : [];
  return {
    header: Array.isArray(header) ? header.map(String) : [],
    own: ivsOf(field(param, 'binningResult', 'binning_result'), 'own'),
    hosts: hostList.map((r, i) => {
      const partyId = field(r, 'partyId', 'party_id');
      return { ...(partyId !== undefined && partyId !== '' ? { partyId: String(partyId) } : {}), ivs: ivsOf(r, `host ${i}`) };
    }),
  };
}

/** The guest's IVs of one host: by party id when the model names it, else by host position (FATE's order). */
export function hostIvs(binning: BinningIvs, partyId: string, position: number): ColumnIvs {
  const named = binning.hosts.find((h) => h.partyId === partyId);
  const result = named ?? (binning.hosts.every((h) => h.partyId === undefined) ? binning.hosts[position] : undefined);
  if (!result) throw new Error(`${WHO}: the binning model has no result for host ${partyId}; an IV filter needs HeteroFeatureBinning run with local_only false`);
  return result.ivs;
}

/** FATE's BinInnerParam name encoding: a host shows the guest `host.<index in its binning header>`. */
export function encodeHostName(binning: BinningIvs, name: string): string {
  const i = binning.header.indexOf(name);
  if (i < 0) throw new Error(`${WHO}: column ${name} is not in the binning model's header [${binning.header.join(', ')}]`);
  return `host.${i}`;
}

export function decodeHostName(binning: BinningIvs, encoded: string): string {
  const m = /^host\.(\d+)$/.exec(encoded);
  const name = m ? binning.header[Number(m[1])] : undefined;
  if (name === undefined) throw new Error(`${WHO}: the guest named an unknown column ${JSON.stringify(encoded)}`);
  return name;
}
