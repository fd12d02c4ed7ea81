// A host's online features: rows looked up by id, loaded once into memory from a CSV whose first
// column (or a column named "id") is the id and whose other columns are feature names, e.g. the
// breast_hetero_host.csv the model was trained on.
import { readFileSync } from 'node:fs';

export interface FeatureSource {
  /** The id column's name: the key looked up in sendToRemoteFeatureData (then "id"). */
  readonly idName: string;
  readonly size: number;
  /** The row for the request's ids, or undefined when the id is absent or unknown. */
  lookup(ids: Readonly<Record<string, string>>): Readonly<Record<string, number>> | undefined;
}

export class FeatureSourceError extends Error {
  override name = 'FeatureSourceError';
}

export function csvFeatureSource(path: string): FeatureSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FeatureSourceError(`host features ${path} cannot be read: ${(err as Error).message}`);
  }
  return parseFeatureCsv(text, path);
}

export function parseFeatureCsv(text: string, source = 'host features'): FeatureSource {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new FeatureSourceError(`${source} is empty`);
  const header = lines[0]!.split(',').map((h) => h.trim());
  const idColumn = Math.max(0, header.indexOf('id'));
  const idName = header[idColumn]!;
  const rows = new Map<string, Record<string, number>>();
  for (let n = 1; n < lines.length; n++) {
    const cells = lines[n]!.split(',');
    if (cells.length !== header.length) throw new FeatureSourceError(`${source} line ${n + 1} has ${cells.length} fields, the header ${header.length}`);
    const row: Record<string, number> = {};
    for (let c = 0; c < header.length; c++) {
      if (c === idColumn) continue;
      const cell = cells[c]!.trim();
      if (cell === '') continue; // missing: adds nothing to W·x
      const x = Number(cell);
      if (!Number.isFinite(x)) throw new FeatureSourceError(`${source} line ${n + 1}: ${header[c]} is not a number: '${cell}'`);
      row[header[c]!] = x;
    }
    rows.set(cells[idColumn]!.trim(), row);
  }
  return {
    idName,
    size: rows.size,
    lookup: (ids) => {
      const id = ids[idName] ?? ids['id'];
      return id === undefined ? undefined : rows.get(id);
    },
  };
}
