// A host's side of validation in a fit of a hetero linear model: for the ids of the train or validate
// set the guest names, W_h·x with the iteration's weights (the guest adds its own part and evaluates).
import type { PartyRef } from '../contract.js';
import { hostValidator, NO_VALIDATION, type SetName, type Validator, type Wire } from '../validation/heteroValidation.js';
import type { ValidationParam } from '../validation/validationParam.js';
import type { RowsById } from './featureColumns.js';

/** No validation without validation_freqs; a set the guest names that this host lacks is an error naming `who`. */
export function hostSetsValidator(wire: Wire, v: ValidationParam, guest: PartyRef, sets: Record<SetName, RowsById | null>, who: string): Validator {
  if (v.freqs === null) return NO_VALIDATION;
  return hostValidator(wire, v, guest, (set, keys, w) => {
    const rows = sets[set];
    if (!rows) throw new Error(`${who}: the guest validates on ${set} data but this host has none (give it eval_data too)`);
    // dots: a big stored table's W·x a piece at a time from its partitions (the same sums as in memory).
    return Array.from(rows.dots(keys, [w])[0]!);
  });
}
