// certs init: the federation CA and one certificate per party (src/federation/certs.ts).
import { resolve } from 'node:path';
import { CertsError, certsInit } from '../../federation/certs.js';
import type { CliOptions } from '../args.js';
import type { CliContext } from '../context.js';

export const DEFAULT_PARTIES = ['9999', '10000', '10001'];

export async function certsInitCommand(ctx: CliContext, o: CliOptions): Promise<number> {
  const dir = resolve(o.certDir ?? 'certs');
  try {
    const made = certsInit({ dir, partyIds: o.parties?.length ? o.parties : DEFAULT_PARTIES, hosts: o.certHosts ?? [], force: o.force === true });
    ctx.stdout(`federation CA: ${resolve(dir, 'ca.crt')}\n`);
    for (const [party, p] of made) ctx.stdout(`party ${party}: --tls-ca ${p.ca} --tls-cert ${p.cert} --tls-key ${p.key}\n`);
    return 0;
  } catch (err) {
    if (err instanceof CertsError) {
      ctx.stderr(`fedflow certs init: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
