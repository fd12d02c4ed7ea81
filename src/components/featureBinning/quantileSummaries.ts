// Greenwald–Khanna quantile summaries as FATE 1.4.5 computes them (federatedml/feature/binning/
// quantile_summaries.py, itself Spark's variant): observations are buffered in a head of `headSize`,
// merged sorted into the sampled list with rank uncertainty delta = floor(2·error·count), and the list
// is compressed (neighbours merged while g + g' + delta < 2·error·count) once it reaches
// `compressThres`. A query returns a sampled value whose rank is within ⌈error·N⌉ of ⌈p·N⌉, so split
// points follow FATE's for the same inserts, within the error bound for any order.

interface Stat {
  value: number;
  /** Rank distance to the previous sample. */
  g: number;
  /** Rank uncertainty. */
  delta: number;
}

export interface SummaryOptions {
  readonly compressThres: number;
  readonly headSize: number;
  readonly error: number;
}

export class QuantileSummaries {
  private head: number[] = [];
  private sampled: Stat[] = [];
  /** Observations merged into `sampled`. */
  count = 0;

  constructor(private readonly options: SummaryOptions) {}

  /** NaN (a missing cell) is skipped, as FATE's float() of an abnormal value is. */
  insert(x: number): void {
    if (Number.isNaN(x)) return;
    this.head.push(x);
    if (this.head.length >= this.options.headSize) {
      this.insertHead();
      if (this.sampled.length >= this.options.compressThres) this.compress();
    }
  }

  private insertHead(): void {
    if (this.head.length === 0) return;
    const sorted = Float64Array.from(this.head).sort();
    const out: Stat[] = [];
    let count = this.count;
    let s = 0;
    for (let o = 0; o < sorted.length; o++) {
      const x = sorted[o]!;
      while (s < this.sampled.length && this.sampled[s]!.value <= x) out.push(this.sampled[s++]!);
      count++;
      // The new minimum and maximum are exact; anything in between may be off by 2·error·count.
      const delta = out.length === 0 || (s === this.sampled.length && o === sorted.length - 1) ? 0 : Math.floor(2 * this.options.error * count);
      out.push({ value: x, g: 1, delta });
    }
    // FATE drops samples left after the last head value only if the loop never reached them; keep them.
    while (s < this.sampled.length) out.push(this.sampled[s++]!);
    this.sampled = out;
    this.head = [];
    this.count = count;
  }

  compress(): void {
    this.insertHead();
    this.sampled = this.compressed(2 * this.options.error * this.count);
  }

  private compressed(threshold: number): Stat[] {
    const sampled = this.sampled;
    if (sampled.length === 0) return sampled;
    const res: Stat[] = [];
    let head = { ...sampled[sampled.length - 1]! };
    // The last (maximum) is never merged away; walk down to index 1, keeping the minimum apart.
    for (let i = sampled.length - 2; i >= 1; i--) {
      const cur = sampled[i]!;
      if (cur.g + head.g + head.delta < threshold) head.g += cur.g;
      else {
        res.push(head);
        head = { ...cur };
      }
    }
    res.push(head);
    const first = sampled[0]!;
    if (first.value <= head.value && sampled.length > 1) res.push({ ...first });
    return res.reverse();
  }

  /** Merges another summary into this one (FATE merges per-partition summaries this way). */
  merge(other: QuantileSummaries): this {
    other.compress();
    this.compress();
    if (other.count === 0) return this;
    if (this.count === 0) {
      this.count = other.count;
      this.sampled = other.sampled.map((s) => ({ ...s }));
      return this;
    }
    const merged: Stat[] = [];
    let i = 0;
    let j = 0;
    while (i < this.sampled.length && j < other.sampled.length) {
      if (this.sampled[i]!.value < other.sampled[j]!.value) merged.push(this.sampled[i++]!);
      else merged.push({ ...other.sampled[j++]! });
    }
    while (i < this.sampled.length) merged.push(this.sampled[i++]!);
    while (j < other.sampled.length) merged.push({ ...other.sampled[j++]! });
    this.sampled = merged;
    this.count += other.count;
    this.sampled = this.compressed(2 * this.options.error * this.count);
    return this;
  }

  /** The approximate `quantile` (0..1); 0 when nothing was inserted. */
  query(quantile: number): number {
    if (this.head.length > 0) this.compress();
    if (!(quantile >= 0 && quantile <= 1)) throw new RangeError(`quantile should be in [0, 1], got ${quantile}`);
    if (this.count === 0) return 0;
    const { error } = this.options;
    if (quantile <= error) return this.sampled[0]!.value;
    if (quantile >= 1 - error) return this.sampled[this.sampled.length - 1]!.value;
    const rank = Math.ceil(quantile * this.count);
    const targetError = Math.ceil(error * this.count);
    let minRank = 0;
    for (let i = 1; i < this.sampled.length - 1; i++) {
      const cur = this.sampled[i]!;
      minRank += cur.g;
      const maxRank = minRank + cur.delta;
      if (maxRank - targetError <= rank && rank <= minRank + targetError) return cur.value;
    }
    return this.sampled[this.sampled.length - 1]!.value;
  }
}
