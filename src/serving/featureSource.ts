// A host's online features: rows looked up by id, loaded once into memory from a CSV whose first
// column (or a column named "id") is the id and whose other columns are feature names, e.g. the
// breast_hetero_host.csv the model was trained on. Cells are kept as text: the model's DataIO reads
// them as the predict job reads the same file (missing and outlier tokens, or a refusal at inference).
import { readFileSync } from 'node:fs';

export interface FeatureSource {
  /** The id column's name: the key looked up in sendToRemoteFeatureData (then "id"). */
  readonly idName: string;
  readonly size: number;
  /** The row for the request's ids, or undefined when the id is absent or unknown. */
  lookup(ids: Readonly<Record<string, string>>): Readonly<Record<string, string>> | undefined;
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
  const rows = new Map<string, Record<string, string>>();
  for (let n = 1; n < lines.length; n++) {
    const cells = lines[n]!.split(',');
    if (cells.length !== header.length) throw new FeatureSourceError(`${source} line ${n + 1} has ${cells.length} fields, the header ${header.length}`);
    const row: Record<string, string> = {};
    for (let c = 0; c < header.length; c++) {
      if (c === idColumn) continue;
      const cell = cells[c]!.trim();
      if (cell === '') continue; // absent: DataIO's missing value
      row[header[c]!] = cell; // DataIO reads the text as the predict job reads the same file's cell
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
