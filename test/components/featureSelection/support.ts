// Small hand-checkable tables and hand-built binning models for the selection tests.
import type { ModelBuffers } from '../../../src/components/contract.js';
import type { DataTable, Instance } from '../../../src/tableData/dataTable.js';

export function table(columns: Record<string, number[]>, label = true): DataTable<Instance> {
  const header = Object.keys(columns);
  const n = columns[header[0]!]!.length;
  const rows: [string, Instance][] = [];
  for (let r = 0; r < n; r++) {
    const features = header.map((h) => columns[h]![r]!);
    rows.push([String(r), label ? { features, label: r % 2 } : { features }]);
  }
  return { schema: { header, sid_name: 'id', ...(label ? { label_name: 'y' } : {}) }, rows };
}

/**
 * Guest a..d:  a constant (range 0, cv 0), b 1..5 (range 4, mean 3, std √2, cv 0.4714),
 * c four 10s and an 11 (range 1, mean 10.2, std 0.4, cv 0.0392), d four 0s and a 100 (range 100, cv 2).
 */
export const GUEST_DATA = table({ a: [1, 1, 1, 1, 1], b: [1, 2, 3, 4, 5], c: [10, 10, 10, 10, 11], d: [0, 0, 0, 0, 100] });
/** Host h0..h2: h0 constant, h1 0..4, h2 alternating. */
export const HOST_DATA = table({ h0: [7, 7, 7, 7, 7], h1: [0, 1, 2, 3, 4], h2: [1, 5, 1, 5, 1] }, false);

const iv = (value: number) => ({ iv: value, woeArray: [0.1, -0.1], ivArray: [value / 2, value / 2], splitPoints: [1, 2], isWoeMonotonic: true, binNums: '2' });

/** The guest's FeatureBinningParam: its IVs a .05, b .5, c .2, d .01; each host's by anonymous name. */
export function guestBinning(hosts: Record<string, Record<string, number>> = { 10000: { 'host.0': 0.3, 'host.1': 0.02, 'host.2': 0.7 } }): ModelBuffers {
  return {
    FeatureBinningMeta: { method: 'quantile', binNum: 10, cols: ['a', 'b', 'c', 'd'], needRun: true },
    FeatureBinningParam: {
      binningResult: { binningResult: { a: iv(0.05), b: iv(0.5), c: iv(0.2), d: iv(0.01) }, role: 'guest', partyId: '9999' },
      hostResults: Object.entries(hosts).map(([partyId, ivs]) => ({
        binningResult: Object.fromEntries(Object.entries(ivs).map(([name, v]) => [name, iv(v)])), role: 'host', partyId,
      })),
      header: ['a', 'b', 'c', 'd'],
    },
  };
}

/** A host's own FeatureBinningParam: its real column names (split points it never shares), no IVs of others. */
export function hostBinning(header = ['h0', 'h1', 'h2']): ModelBuffers {
  return {
    FeatureBinningMeta: { method: 'quantile', binNum: 10, cols: header, needRun: true },
    FeatureBinningParam: {
      binningResult: { binningResult: Object.fromEntries(header.map((h) => [h, { splitPoints: [1, 2], iv: 0 }])), role: 'host', partyId: '10000' },
      hostResults: [],
      header,
    },
  };
}

/** Awaits a promise that must reject with a message matching `pattern` (uvu has no async throws). */
export async function rejects(promise: Promise<unknown>, pattern?: RegExp): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`expected a rejection${pattern ? ` matching ${pattern}` : ''}, got success`);
  const message = error instanceof Error ? error.message : String(error);
  if (pattern && !pattern.test(message)) throw new Error(`expected a rejection matching ${pattern}, got: ${message}`);
}
