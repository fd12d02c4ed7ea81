// A party's job receipt: what it ran (digests of the DSL and conf as it stored them), how the job
// ended for it, the digest of the model it saved, and its log's chain head — signed with the
// party's key. Verified against the federation CA, a receipt lets any party prove what another
// party said it did; the signer cannot later deny it, nobody else can make one in its name.
import { createHash, createPrivateKey, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { digestFor } from '../../store/audit/checkpoint.js';
import { partyOfCertificate } from '../peerIdentity.js';

export const RECEIPT_KIND = 'fedflow-job-receipt';

export interface Receipt {
  readonly kind: typeof RECEIPT_KIND;
  readonly version: 1;
  readonly jobId: string;
  readonly partyId: string;
  readonly initiatorPartyId: string;
  /** Each role this party held in the job and that row's final status. */
  readonly roles: Readonly<Record<string, string>>;
  /** SHA-256 of the canonical JSON (sorted keys) of the DSL and the runtime conf this party stored. */
  readonly dslSha256: string;
  readonly confSha256: string;
  /** Each role's saved pipeline model digest (PipelineModelSaved.sha256); empty when no model was saved. */
  readonly models: Readonly<Record<string, string>>;
  /** The party's log head when it signed: the position and hash of its newest event. */
  readonly chainHead: { readonly position: string; readonly hash: string | null };
  readonly signedAt: number;
}

/** A receipt as it travels and is stored: the exact signed bytes, the signature, the signer. */
export interface SignedReceipt {
  readonly payload: string;
  /** base64 */
  readonly signature: string;
  /** The signer's certificate (PEM) or, on an insecure federation, its bare public key (PEM). */
  readonly signer: string;
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** What signs this node's receipts: its party key and the certificate (or public key) that names it. */
export interface ReceiptKey {
  readonly privateKeyPem: string | Buffer;
  /** PEM certificate issued by the federation CA; absent on an insecure federation. */
  readonly certificatePem?: string | Buffer;
}

export function receiptSigner(key: ReceiptKey): (receipt: Receipt) => SignedReceipt {
  const privateKey = createPrivateKey(key.privateKeyPem);
  const signer = key.certificatePem ? key.certificatePem.toString() : createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const digest = digestFor(privateKey);
  return (receipt) => {
    const payload = canonicalJson(receipt);
    return { payload, signature: sign(digest, Buffer.from(payload), privateKey).toString('base64'), signer };
  };
}

export type ReceiptCheck =
  | { readonly valid: true; readonly receipt: Receipt; /** true when a CA certificate vouches for the signer's party. */ readonly proven: boolean }
  | { readonly valid: false; readonly reason: string; readonly receipt?: Receipt };

/**
 * Checks a signed receipt: the payload is a receipt, the signature over its exact bytes is valid,
 * and — with the federation CA given — the signer's certificate was issued by that CA, is within
 * its validity and names the party the receipt speaks for. Without a CA (an insecure federation)
 * a bare key can only show the receipt is unchanged since signing, not whose it is (proven false).
 */
export function checkReceipt(signed: SignedReceipt, caPem?: string | Buffer, now = Date.now()): ReceiptCheck {
  let receipt: Receipt;
  try {
    receipt = parseReceipt(signed.payload);
  } catch (error) {
    return { valid: false, reason: `not a receipt: ${(error as Error).message}` };
  }
  let key: KeyObject;
  let proven = false;
  try {
    if (signed.signer.includes('BEGIN CERTIFICATE')) {
      const cert = new X509Certificate(signed.signer);
      if (caPem) {
        const ca = new X509Certificate(caPem);
        if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return { valid: false, receipt, reason: 'the signer certificate was not issued by this federation\'s CA' };
        if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return { valid: false, receipt, reason: `the signer certificate is not valid at ${new Date(now).toISOString()}` };
        proven = true;
      }
      const party = partyOfCertificate({ subjectaltname: cert.subjectAltName ?? '', subject: { CN: /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '' } });
      if (party !== receipt.partyId) return { valid: false, receipt, reason: `receipt of party ${receipt.partyId} signed with the certificate of party ${party ?? '(none)'}` };
      key = cert.publicKey;
    } else {
      if (caPem) return { valid: false, receipt, reason: 'signed with a bare key, not a certificate of this federation' };
      key = createPublicKey(signed.signer);
    }
  } catch (error) {
    return { valid: false, receipt, reason: `unreadable signer: ${(error as Error).message}` };
  }
  let ok = false;
  try {
    ok = verify(digestFor(key), Buffer.from(signed.payload), key, Buffer.from(signed.signature, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) return { valid: false, receipt, reason: 'the signature does not match the receipt (changed after signing, or signed by another key)' };
  return { valid: true, receipt, proven };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringMap = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

export function parseReceipt(payload: string): Receipt {
  const r = JSON.parse(payload) as unknown;
  if (!isRecord(r) || r.kind !== RECEIPT_KIND || r.version !== 1) throw new Error(`kind must be ${RECEIPT_KIND} version 1`);
  for (const f of ['jobId', 'partyId', 'initiatorPartyId', 'dslSha256', 'confSha256'] as const) if (typeof r[f] !== 'string' || !r[f]) throw new Error(`${f} must be a non-empty string`);
  if (!isStringMap(r.roles) || Object.keys(r.roles).length === 0) throw new Error('roles must map each role to its status');
  if (!isStringMap(r.models)) throw new Error('models must map roles to digests');
  const head = r.chainHead;
  if (!isRecord(head) || typeof head.position !== 'string' || !(head.hash === null || typeof head.hash === 'string')) throw new Error('chainHead must be {position, hash}');
  if (typeof r.signedAt !== 'number') throw new Error('signedAt must be a number');
  return r as unknown as Receipt;
}
