// HeteroSecureBoost (FATE 1.x federatedml/ensemble/boosting/hetero, spec §1.5): vertical gradient
// boosting with the labels at the guest and features split between guest and hosts. See guest.ts
// and host.ts for each side of the protocol, protocol.ts for what crosses the federation.
import type { Component } from '../contract.js';
import { runGuest } from './guest.js';
import { runHost } from './host.js';
import { readParams } from './params.js';
import { peersOf } from './protocol.js';

export const heteroSecureBoost: Component = async (input, ctx) => {
  const p = readParams(input.params);
  const peers = peersOf(input);
  switch (input.role) {
    case 'guest':
      return runGuest(input, ctx, p, peers);
    case 'host':
      return runHost(input, ctx, p, peers);
    default:
      throw new Error(`HeteroSecureBoost: no ${input.role} role (guest and host only)`);
  }
};
