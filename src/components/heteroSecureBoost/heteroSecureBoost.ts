// HeteroSecureBoost (FATE 1.x federatedml/ensemble/boosting/hetero, spec §1.5): vertical gradient
// boosting with the labels at the guest and features split between guest and hosts. See guest.ts
// and host.ts for each side of the protocol, protocol.ts for what crosses the federation.
import type { Component } from '../contract.js';
import { runGuest } from './guest.js';
import { runHost } from './host.js';
import { readParams } from './params.js';
import { predictFromModel } from './predict.js';
import { peersOf } from './protocol.js';

export const heteroSecureBoost: Component = async (input, ctx) => {
  const p = readParams(input.params);
  const peers = peersOf(input);
  // A stored model as input (a predict job, or a validation component in the training DSL): predict only.
  if (input.model && (input.role === 'guest' || input.role === 'host')) return predictFromModel(input, ctx, p, peers);
  switch (input.role) {
    case 'guest':
      return runGuest(input, ctx, p, peers);
    case 'host':
      return runHost(input, ctx, p, peers);
    default:
      throw new Error(`HeteroSecureBoost: no ${input.role} role (guest and host only)`);
  }
};
