// Which party a TLS peer is: the SAN URI `fedflow:party/<id>` of its certificate, else its CN
// `party-<id>`. Pure: takes what node:tls reports about a certificate.

export interface CertificateFacts {
  readonly subject?: { readonly CN?: string | string[] } | null;
  readonly subjectaltname?: string;
}

export function partyOfCertificate(cert: CertificateFacts | null | undefined): string | undefined {
  if (!cert) return undefined;
  const uri = /(?:^|,\s*)URI:fedflow:party\/([^,\s]+)/.exec(cert.subjectaltname ?? '');
  if (uri) return uri[1];
  const cn = cert.subject?.CN;
  const m = /^party-(.+)$/.exec(Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? ''));
  return m?.[1];
}
