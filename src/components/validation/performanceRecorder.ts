// FATE 1.4's PerformanceRecorder (federatedml/evaluation/evaluation.py): the best value of each
// single-value metric so far and the validations since it last improved. Early stopping ends training
// when any metric has not improved for early_stopping_rounds validations.

const LARGER_IS_BETTER = new Set(['auc', 'r2_score', 'precision', 'recall', 'explained_variance', 'accuracy', 'ks']);
const SMALLER_IS_BETTER = new Set(['root_mean_squared_error', 'mean_absolute_error', 'mean_squared_error', 'mean_squared_log_error']);
/** median_absolute_error is allowed but neither larger nor smaller is better: it never improves after its first value (as in FATE). */
const ALLOWED = new Set([...LARGER_IS_BETTER, ...SMALLER_IS_BETTER, 'median_absolute_error']);

export class PerformanceRecorder {
  readonly best = new Map<string, number>();
  readonly noImprovement = new Map<string, number>();

  update(values: Readonly<Record<string, number>>): void {
    for (const [metric, v] of Object.entries(values)) {
      if (!ALLOWED.has(metric)) continue;
      const cur = this.best.get(metric);
      const improved = cur === undefined || (LARGER_IS_BETTER.has(metric) && v > cur) || (SMALLER_IS_BETTER.has(metric) && v < cur);
      if (improved) {
        this.best.set(metric, v);
        this.noImprovement.set(metric, 0);
      } else {
        this.noImprovement.set(metric, (this.noImprovement.get(metric) ?? 0) + 1);
      }
    }
  }

  /** ValidationStrategy.is_best_performance_updated: every metric (or the first only) improved just now. */
  improved(firstOnly: boolean): boolean {
    if (this.noImprovement.size === 0) return false;
    for (const n of this.noImprovement.values()) {
      if (n !== 0) return false;
      if (firstOnly) break;
    }
    return true;
  }

  shouldStop(rounds: number): boolean {
    for (const n of this.noImprovement.values()) if (n >= rounds) return true;
    return false;
  }
}
