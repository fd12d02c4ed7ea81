// FATE's XgboostCriterion (federatedml/tree/criterion.py): node gain G²/(H + λ) with the gradient
// truncated by the L1 term α, split gain = gain(left) + gain(right) − gain(node) (FATE drops xgboost's ½;
// only the comparison with min_impurity_split is affected), leaf weight −G/(H + λ).

export interface Criterion {
  readonly regLambda: number;
  readonly regAlpha: number;
}

function truncate(g: number, alpha: number): number {
  if (alpha === 0) return g;
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

export function nodeGain(c: Criterion, g: number, h: number): number {
  const t = truncate(g, c.regAlpha);
  return (t * t) / (h + c.regLambda);
}

export function splitGain(c: Criterion, g: number, h: number, gl: number, hl: number): number {
  return nodeGain(c, gl, hl) + nodeGain(c, g - gl, h - hl) - nodeGain(c, g, h);
}

export function nodeWeight(c: Criterion, g: number, h: number): number {
  return -truncate(g, c.regAlpha) / (h + c.regLambda);
}
