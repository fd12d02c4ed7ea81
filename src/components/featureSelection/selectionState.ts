// The bookkeeping of FATE's selection (feature_selection/selection_properties.py), kept exact
// because the model records it: which columns a filter looks at (`select`), which of those it
// keeps (`left`), the columns still alive before it (`lastLeft`), and the value it judged each by.
// A column that a filter does not look at stays alive; the next filter looks only at the columns
// the previous one kept, so `select_col_indexes` narrows every filter, not only the first.

/** LeftCols of the FeatureSelectionParam proto (JSON field names). */
export interface LeftColsJson {
  originalCols: string[];
  leftCols: Record<string, boolean>;
}

/** FeatureSelectionFilterParam of the proto (JSON field names). */
export interface FilterResultJson {
  featureValues: Record<string, number>;
  hostFeatureValues: { featureValues: Record<string, number> }[];
  leftCols: LeftColsJson;
  hostLeftCols: LeftColsJson[];
  filterName: string;
}

const record = <V>(entries: Iterable<[string, V]>): Record<string, V> => {
  const out = Object.create(null) as Record<string, V>;
  for (const [k, v] of entries) out[k] = v;
  return { ...out };
};

export class SelectionProperties {
  readonly header: readonly string[];
  private readonly index = new Map<string, number>();
  lastLeft: number[];
  readonly select: number[] = [];
  readonly left: number[] = [];
  /** Column name → the value the filter judged it by, in the order the filter set them. */
  readonly featureValues = new Map<string, number>();

  constructor(header: readonly string[], lastLeft?: readonly number[]) {
    this.header = header;
    header.forEach((name, i) => this.index.set(name, i));
    this.lastLeft = lastLeft ? [...lastLeft] : header.map((_, i) => i);
  }

  indexOf(name: string): number | undefined {
    return this.index.get(name);
  }

  selectAll(): void {
    this.select.length = 0;
    this.select.push(...this.header.map((_, i) => i));
  }

  /** Out-of-range indexes and columns no longer alive are skipped (FATE logs and skips them). */
  addSelectIndexes(indexes: readonly number[]): void {
    for (const i of indexes) {
      if (i >= this.header.length || !this.lastLeft.includes(i) || this.select.includes(i)) continue;
      this.select.push(i);
    }
  }

  addSelectNames(names: readonly string[]): void {
    for (const name of names) {
      const i = this.index.get(name);
      if (i === undefined || !this.lastLeft.includes(i) || this.select.includes(i)) continue;
      this.select.push(i);
    }
  }

  addLeftName(name: string): void {
    const i = this.index.get(name);
    if (i !== undefined && !this.left.includes(i)) this.left.push(i);
  }

  setFeatureValue(name: string, value: number): void {
    this.featureValues.set(name, value);
  }

  get selectNames(): string[] {
    return this.select.map((i) => this.header[i]!);
  }

  get leftNames(): string[] {
    return this.left.map((i) => this.header[i]!);
  }

  get lastLeftNames(): string[] {
    return this.lastLeft.map((i) => this.header[i]!);
  }

  /** Alive after this filter: not looked at, or looked at and kept; in header order. */
  get allLeft(): number[] {
    return this.lastLeft.filter((i) => !this.select.includes(i) || this.left.includes(i));
  }

  get allLeftNames(): string[] {
    return this.allLeft.map((i) => this.header[i]!);
  }

  /** The state the next filter starts from (FATE's update_curt_select_param). */
  next(): SelectionProperties {
    const after = new SelectionProperties(this.header, this.allLeft);
    after.addSelectNames(this.leftNames);
    return after;
  }

  /**
   * FATE's _keep_one_feature: when a filter keeps none of the columns it looked at, the one with the
   * highest (or lowest) value stays; with no values FATE picks at random, fedflow the first column
   * looked at, so a replay of the same job keeps the same column.
   */
  keepOne(pickHigh = true): void {
    if (this.left.length > 0) return;
    if (this.featureValues.size === 0) {
      const first = this.selectNames[0];
      if (first !== undefined) this.addLeftName(first);
      return;
    }
    // A stable sort, as Python's: ties keep the order the values were set in.
    const sorted = [...this.featureValues.entries()].sort((a, b) => (pickHigh ? b[1] - a[1] : a[1] - b[1]));
    this.addLeftName(sorted[0]![0]);
  }

  leftColsJson(): LeftColsJson {
    return { originalCols: this.lastLeftNames, leftCols: record(this.allLeftNames.map((n) => [n, true])) };
  }

  featureValuesJson(): Record<string, number> {
    return record(this.featureValues.entries());
  }
}

/** FATE's CompletedSelectionResults: every filter's result and the pass counts the model ranks columns by. */
export class CompletedSelection {
  readonly header: readonly string[];
  /** The columns selected at the start (FeatureSelectionMeta.cols, final_left_cols.original_cols). */
  readonly selectNames: readonly string[];
  readonly results: FilterResultJson[] = [];
  allLeft: number[];
  private readonly guestPass = new Map<string, number>();
  private readonly hostPass: Map<string, number>[] = [];

  constructor(start: SelectionProperties) {
    this.header = start.header;
    this.selectNames = start.selectNames;
    this.allLeft = start.allLeft;
  }

  get allLeftNames(): string[] {
    return this.allLeft.map((i) => this.header[i]!);
  }

  add(filterName: string, props: SelectionProperties, hosts: readonly SelectionProperties[] = []): void {
    this.allLeft = props.allLeft;
    hosts.forEach((host, i) => countPasses((this.hostPass[i] ??= new Map()), host));
    countPasses(this.guestPass, props);
    this.results.push({
      featureValues: props.featureValuesJson(),
      hostFeatureValues: hosts.map((h) => ({ featureValues: h.featureValuesJson() })),
      leftCols: props.leftColsJson(),
      hostLeftCols: hosts.map((h) => h.leftColsJson()),
      filterName,
    });
  }

  /** Columns by the number of filters they passed, most first (FeatureSelectionParam.col_names). */
  sortedColNames(): string[] {
    return byPasses(this.guestPass);
  }

  /** The same per host, by the hosts' anonymous names (host_col_names). */
  hostSortedColNames(): string[][] {
    return this.hostPass.map(byPasses);
  }
}

function countPasses(counts: Map<string, number>, props: SelectionProperties): void {
  const alive = new Set(props.allLeftNames);
  for (const name of props.lastLeftNames) counts.set(name, (counts.get(name) ?? 0) + (alive.has(name) ? 1 : 0));
}

const byPasses = (counts: Map<string, number>): string[] => [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
