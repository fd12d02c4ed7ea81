// Transport security between nodes: mutual TLS with the federation CA, or plain text only when a
// node is explicitly configured `insecure` (local tests).
import { ChannelCredentials, ServerCredentials, credentials } from '@grpc/grpc-js';
import { partyOfCertificate } from './peerIdentity.js';

export type TlsMaterial = { readonly insecure: true } | { readonly insecure?: false; readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer };

/** The server asks every client for a certificate signed by the CA (checkClientCertificate = true). */
export function serverCredentials(tls: TlsMaterial): ServerCredentials {
  if (tls.insecure) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
}

/**
 * The client checks that the server's certificate names the party it meant to reach (instead of a
 * host name: route tables hold addresses, the identity is the party).
 */
export function clientCredentials(tls: TlsMaterial, expectedPartyId: string): ChannelCredentials {
  if (tls.insecure) return credentials.createInsecure();
  return credentials.createSsl(tls.ca, tls.key, tls.cert, {
    checkServerIdentity: (_host, cert) => {
      const party = partyOfCertificate(cert);
      return party === expectedPartyId ? undefined : new Error(`server certificate is for party ${party ?? '(none)'}, expected party ${expectedPartyId}`);
    },
  });
}
