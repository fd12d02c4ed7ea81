// A federation's PKI: one CA and a certificate per party, made with the system's openssl (Node 20
// cannot issue X.509 certificates itself). The party id goes into the certificate twice: as the
// subject CN `party-<id>` and as the SAN URI `fedflow:party/<id>`, which is what nodes check.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPrivateKey } from './privateKey.js';

export interface PartyCertPaths {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface CertsInitOptions {
  readonly dir: string;
  readonly partyIds: readonly string[];
  /** Extra DNS names / IPs the party certificates are valid for (besides localhost and 127.0.0.1). */
  readonly hosts?: readonly string[];
  readonly days?: number;
  /** Replace existing files instead of refusing. */
  readonly force?: boolean;
}

export class CertsError extends Error {
  override name = 'CertsError';
}

export const partyUri = (partyId: string): string => `fedflow:party/${partyId}`;

/** Where `certs init` puts a party's files (what a node's --tls-* options point at). */
export function partyCertPaths(dir: string, partyId: string): PartyCertPaths {
  return { ca: join(dir, 'ca.crt'), cert: join(dir, `party-${partyId}.crt`), key: join(dir, `party-${partyId}.key`) };
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new CertsError('openssl is not installed; fedflow certs init needs it to issue certificates');
    throw new CertsError(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

/** Creates (or reuses) the CA in `dir` and issues one certificate per party id; returns each party's paths. */
export function certsInit(o: CertsInitOptions): Map<string, PartyCertPaths> {
  const days = String(o.days ?? 825);
  mkdirSync(o.dir, { recursive: true });
  for (const id of o.partyIds) if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new CertsError(`party id '${id}' must be letters, digits, '-' or '_'`);
  const caKey = join(o.dir, 'ca.key');
  const caCrt = join(o.dir, 'ca.crt');
  if (o.force || !existsSync(caCrt) || !existsSync(caKey)) {
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey], o.dir);
    chmodSync(caKey, 0o600);
    openssl(['req', '-x509', '-new', '-key', caKey, '-sha256', '-days', days, '-subj', '/O=fedflow/CN=fedflow federation CA', '-out', caCrt], o.dir);
  }
  const alt = ['DNS:localhost', 'IP:127.0.0.1', ...(o.hosts ?? []).map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`))];
  const out = new Map<string, PartyCertPaths>();
  for (const id of o.partyIds) {
    const p = partyCertPaths(o.dir, id);
    out.set(id, p);
    if (!o.force && existsSync(p.cert) && existsSync(p.key)) continue;
    const csr = join(o.dir, `party-${id}.csr`);
    const ext = join(o.dir, `party-${id}.ext`);
    writeFileSync(ext, [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      `subjectAltName=URI:${partyUri(id)},${alt.join(',')}`,
      '',
    ].join('\n'));
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', p.key], o.dir);
    chmodSync(p.key, 0o600);
    openssl(['req', '-new', '-key', p.key, '-subj', `/O=fedflow/CN=party-${id}`, '-out', csr], o.dir);
    openssl(['x509', '-req', '-in', csr, '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-days', days, '-sha256', '-extfile', ext, '-out', p.cert], o.dir);
  }
  return out;
}

/** The PEM files of a party, read once at node start. */
export function readPartyCerts(p: PartyCertPaths): { ca: Buffer; cert: Buffer; key: Buffer } {
  return { ca: readFileSync(p.ca), cert: readFileSync(p.cert), key: readPrivateKey(p.key, 'party TLS key') };
}
