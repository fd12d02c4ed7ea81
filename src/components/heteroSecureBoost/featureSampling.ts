// Per-tree feature subsampling (subsample_feature_rate): each party draws max(1, ⌊rate·F⌋) of its own
// features, independently of the others, as FATE's sample_valid_features does.
export function sampleFeatures(featureCount: number, rate: number, rand: () => number): number[] {
  const all = Array.from({ length: featureCount }, (_, f) => f);
  if (rate >= 1) return all;
  const k = Math.max(1, Math.floor(rate * featureCount));
  for (let i = featureCount - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}
