// A component context whose federation tags live under a prefix (cross-validation folds, validation
// rounds) and whose loss curve is renamed per fold, so one task can run several fits side by side.
import type { ComponentContext, Federation, Tracker } from '../contract.js';

/** The same context with every federation tag under `scope` and the loss curve renamed for the fold. */
export function scoped(ctx: ComponentContext, scope: string, fold: number | null): ComponentContext {
  const fed: Federation = {
    remote: (name, tag, payload, to) => ctx.federation.remote(name, `${scope}${tag}`, payload, to),
    get: (name, tag, from) => ctx.federation.get(name, `${scope}${tag}`, from),
  };
  const rename = (name: string) => (fold !== null && name === 'loss' ? `loss.${fold}` : name);
  const tracker: Tracker = {
    logMetricData: (ns, name, points) => ctx.tracker.logMetricData(ns, rename(name), points),
    setMetricMeta: (ns, name, meta) => ctx.tracker.setMetricMeta(ns, rename(name), name === 'loss' && fold !== null ? { ...meta, curve_name: String(fold) } : meta),
    setProgress: () => {},
  };
  return { ...ctx, federation: fed, tracker };
}

