// CMS SignedData (RFC 5652) as used by CAdES .p7m files and PAdES signature dictionaries: the encapsulated content,
// and for each signer whether the signature over it holds with a certificate carried in the file. The certificate's
// qualification (EU trusted lists) and revocation are not checked here: that is the conservation service's job.
import { constants, verify, X509Certificate, createHash } from 'node:crypto';
import { child, DerError, octetString, oid, readTlv, type Tlv } from './der.ts';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.3.14.3.2.26': 'sha1',
};

export interface CmsSigner {
  digest: string;
  /** The signature verifies with this certificate's key, over the signed attributes (or the content). */
  signatureValid: boolean;
  /** The messageDigest attribute equals the digest of the content (null when there are no signed attributes). */
  messageDigestMatches: boolean | null;
  /** Subject of the certificate that verified the signature (or of the only certificate). */
  subject: string | null;
}

export interface SignedData {
  /** The encapsulated content; null for a detached signature. */
  content: Buffer | null;
  signers: CmsSigner[];
}

/** Parses a DER/BER ContentInfo holding a SignedData; `detached` is the signed content when not encapsulated. */
export function readSignedData(der: Uint8Array, detached?: Uint8Array): SignedData {
  const root = readTlv(der);
  if (root.end !== der.length && !der.subarray(root.end).every((b) => b === 0))
    throw new DerError('extra bytes after the CMS structure');
  if (root.tag !== 0x30) throw new DerError('not a CMS ContentInfo (no SEQUENCE)');
  if (oid(der, child(root, 0, 'content type')) !== OID_SIGNED_DATA) throw new DerError('CMS content is not SignedData');
  const wrapper = child(root, 1, 'SignedData');
  if (wrapper.tag !== 0xa0) throw new DerError('SignedData is not tagged [0]');
  const sd = child(wrapper, 0, 'SignedData');
  const encap = child(sd, 2, 'encapsulated content');
  const eContent = encap.children?.[1];
  const content = eContent ? octetString(der, child(eContent, 0, 'eContent')) : null;
  const signedBytes = content ?? (detached ? Buffer.from(detached) : null);
  const certificates: X509Certificate[] = [];
  let signerSet: Tlv | undefined;
  for (const c of sd.children!.slice(3)) {
    if (c.tag === 0xa0)
      for (const cert of c.children ?? [])
        certificates.push(new X509Certificate(Buffer.from(der.subarray(cert.start, cert.end))));
    if (c.tag === 0x31) signerSet = c;
  }
  if (!signerSet?.children?.length) throw new DerError('SignedData has no signer');
  return { content, signers: signerSet.children.map((s) => readSigner(der, s, signedBytes, certificates)) };
}

function readSigner(der: Uint8Array, si: Tlv, content: Buffer | null, certificates: X509Certificate[]): CmsSigner {
  const digestOid = oid(der, child(child(si, 2, 'digest algorithm'), 0, 'digest algorithm'));
  const digest = DIGESTS[digestOid];
  if (!digest) throw new DerError(`unsupported digest algorithm ${digestOid}`);
  let i = 3;
  let signedAttrs: Tlv | undefined;
  if (si.children![i]?.tag === 0xa0) signedAttrs = si.children![i++];
  const sigAlg = oid(der, child(child(si, i++, 'signature algorithm'), 0, 'signature algorithm'));
  const signature = octetString(der, child(si, i, 'signature'));

  let messageDigestMatches: boolean | null = null;
  let data: Buffer | null = content;
  if (signedAttrs) {
    // The signature covers the attributes re-tagged as a SET (RFC 5652 §5.4).
    data = Buffer.from(der.subarray(signedAttrs.start, signedAttrs.end));
    data[0] = 0x31;
    const md = signedAttrs.children!.find((a) => oid(der, child(a, 0, 'attribute type')) === OID_MESSAGE_DIGEST);
    const value = md ? octetString(der, child(child(md, 1, 'attribute values'), 0, 'messageDigest')) : null;
    messageDigestMatches =
      value !== null && content !== null && createHash(digest).update(content).digest().equals(value);
  }
  let subject: string | null = certificates.length === 1 ? certificates[0]!.subject : null;
  let signatureValid = false;
  if (data) {
    for (const cert of certificates) {
      const key =
        sigAlg === OID_RSA_PSS ? { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING } : cert.publicKey;
      let ok = false;
      try {
        ok = verify(digest, data, key, signature);
      } catch {
        ok = false;
      }
      if (ok) {
        signatureValid = true;
        subject = cert.subject;
        break;
      }
    }
  }
  return { digest, signatureValid, messageDigestMatches, subject };
}
