// DataIO's `input_format: "tag"` (FATE 1.4.5 SparseTagReader): each value is a list of tags
// (`tag_with_value: false`: a present tag reads 1) or of `tag<tag_value_delimitor>value` pairs,
// optionally after a label. Fit makes the header the sorted set of every tag seen; a row becomes
// a dense vector over the header, 0 where the tag is absent (FATE's dense array and SparseVector
// read the same). A tag unseen at fit time is skipped in predict, as FATE does. With
// `tag_with_value` and `missing_fill`, FATE first writes every row out over the whole header ('' for
// absent tags), runs the imputer on that and reads the filled values back: absent tags then take
// the fill value, not 0. fedflow does the same.
import type { DataTable, Instance } from '../../tableData/dataTable.js';
import { parseFeatureValue, parseLabelValue } from './cells.js';
import { DEFAULT_MISSING_VALUES, applyFill, fitFill, type Replacement } from './fill.js';
import type { Settings } from './settings.js';
import { compareCodePoints } from '../../text/codePointOrder.js';

export interface TagRead {
  readonly header: string[];
  readonly rows: [string, Instance][];
  /** The missing fill applied (tag_with_value + missing_fill), with its per-tag replaced ratio. */
  readonly missing?: { rep: Replacement; ratio: number[] };
}

interface SplitRow {
  readonly key: string;
  readonly label?: string;
  /** [tag, value] in row order ('1' for tags without values). */
  readonly tags: [string, string][];
}

function splitRow(key: string, value: string, s: Settings): SplitRow {
  const cols = value.split(s.delimitor);
  const label = s.withLabel ? cols.shift() : undefined;
  const tags = cols.map((col): [string, string] => {
    if (!s.tagWithValue) return [col, '1'];
    const parts = col.split(s.tagValueDelimitor);
    if (parts.length !== 2) {
      throw new Error(`DataIO: row ${JSON.stringify(key)}: ${JSON.stringify(col)} is not tag${s.tagValueDelimitor}value (tag_with_value is true)`);
    }
    return [parts[0]!, parts[1]!];
  });
  return label === undefined ? { key, tags } : { key, label, tags };
}

/**
 * Reads a tag table. With `fitted` (predict) the header and the missing fill come from the model;
 * otherwise they are fitted here.
 */
export function readTag(table: DataTable<string>, s: Settings, fitted?: { header: readonly string[]; missing?: Replacement }): TagRead {
  const split = table.rows.map(([key, value]) => splitRow(key, String(value), s));
  let header: string[];
  if (fitted) {
    header = [...fitted.header];
  } else {
    const seen = new Set<string>();
    for (const row of split) for (const [tag] of row.tags) seen.add(tag);
    header = [...seen].sort(compareCodePoints);
  }
  const index = new Map(header.map((h, i) => [h, i]));
  const width = header.length;
  const label = (row: SplitRow) => (row.label === undefined ? undefined : parseLabelValue(row.label, row.key, s.labelName, s.labelType));

  if (s.tagWithValue && s.missing.enabled) {
    // Every row over the whole header as strings, '' where the tag is absent; then the imputer.
    const cells = split.map((row) => {
      const line = new Array<string>(width).fill('');
      for (const [tag, v] of row.tags) {
        const i = index.get(tag);
        if (i !== undefined) line[i] = v;
      }
      return line;
    });
    const rep = fitted?.missing ?? { tokens: DEFAULT_MISSING_VALUES, fill: fitFill(cells, width, s.missing, DEFAULT_MISSING_VALUES) };
    const ratio = applyFill(cells, width, rep);
    const rows = split.map((row, r): [string, Instance] => {
      const features = cells[r]!.map((cell, i) => parseFeatureValue(cell, row.key, header[i]!, s.dataType));
      const l = label(row);
      return [row.key, l === undefined ? { features } : { features, label: l }];
    });
    return { header, rows, missing: { rep, ratio } };
  }

  const rows = split.map((row): [string, Instance] => {
    const features = new Array<number>(width).fill(0);
    for (const [tag, v] of row.tags) {
      const i = index.get(tag);
      // The last value of a tag named twice in a row wins, as in FATE's loop.
      if (i !== undefined) features[i] = parseFeatureValue(v, row.key, tag, s.dataType);
    }
    const l = label(row);
    return [row.key, l === undefined ? { features } : { features, label: l }];
  });
  return { header, rows };
}
