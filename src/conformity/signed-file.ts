// Checks a signed attestation before it is kept: a CAdES envelope (.p7m) must be a CMS SignedData whose encapsulated
// content is byte-for-byte an attestation we issued for the batch, with a signature that verifies; a PAdES file must
// be a PDF with a signature dictionary (/ByteRange, /Contents) whose signed bytes begin with an issued attestation.
import { sha256 } from '../store/hash.ts';
import { readSignedData, type SignedData } from './cms.ts';
import { DerError } from './der.ts';
import type { SignedFormat } from './conformity-store.ts';

export class SignedFileError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_SIGNED' | 'NOT_OUR_ATTESTATION' | 'BAD_SIGNATURE',
  ) {
    super(message);
    this.name = 'SignedFileError';
  }
}

export interface IssuedRef {
  sha256: string;
  size: number;
}

export interface SignedFileCheck {
  format: SignedFormat;
  attestationSha256: string;
  signer: string | null;
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/;

/** The DER bytes of a .p7m: as is, or decoded from PEM / bare Base64 (some signing tools write those). */
function p7mDer(bytes: Buffer): Buffer {
  if (bytes[0] === 0x30) return bytes;
  const text = bytes.toString('latin1');
  const body = PEM.exec(text)?.[1] ?? text;
  const b64 = body.replace(/\s+/g, '');
  if (b64.length > 16 && /^[A-Za-z0-9+/]+=*$/.test(b64)) {
    const der = Buffer.from(b64, 'base64');
    if (der[0] === 0x30) return der;
  }
  throw new SignedFileError('Il file non è una busta CAdES (.p7m): nessuna struttura CMS', 'NOT_SIGNED');
}

function parse(der: Buffer, detached?: Buffer): SignedData {
  try {
    return readSignedData(der, detached);
  } catch (err) {
    // Anything the reader or X509Certificate refuses is a malformed envelope, never a server error.
    const why =
      err instanceof DerError ? err.message : `certificato o struttura illeggibile (${(err as Error).message})`;
    throw new SignedFileError(`Busta di firma non valida: ${why}`, 'NOT_SIGNED');
  }
}

function requireValid(sd: SignedData): string | null {
  const signer = sd.signers.find((s) => s.signatureValid && s.messageDigestMatches !== false);
  if (!signer)
    throw new SignedFileError(
      'La firma non è verificabile sul contenuto (firma o impronta non corrispondono)',
      'BAD_SIGNATURE',
    );
  return signer.subject;
}

export function checkCades(bytes: Buffer, issued: readonly IssuedRef[]): SignedFileCheck {
  const sd = parse(p7mDer(bytes));
  if (!sd.content)
    throw new SignedFileError('La busta .p7m non contiene il documento firmato (firma staccata)', 'NOT_SIGNED');
  const hash = sha256(sd.content);
  if (!issued.some((a) => a.sha256 === hash))
    throw new SignedFileError(
      `Il documento firmato (SHA-256 ${hash}) non è un’attestazione emessa per questo lotto`,
      'NOT_OUR_ATTESTATION',
    );
  return { format: 'cades', attestationSha256: hash, signer: requireValid(sd) };
}

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

export function checkPades(bytes: Buffer, issued: readonly IssuedRef[]): SignedFileCheck {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-')
    throw new SignedFileError('Il file non è un PDF', 'NOT_SIGNED');
  const text = bytes.toString('latin1');
  const ranges = [...text.matchAll(BYTE_RANGE)];
  if (!ranges.length) throw new SignedFileError('Il PDF non contiene una firma (/ByteRange assente)', 'NOT_SIGNED');
  // The last signature added covers the most: it is the official's when they sign an already signed copy too.
  const [a, b, c, d] = ranges.at(-1)!.slice(1).map(Number) as [number, number, number, number];
  if (a !== 0 || c < a + b || c + d > bytes.length)
    throw new SignedFileError('/ByteRange della firma non coerente con il file', 'NOT_SIGNED');
  const hex = text.slice(b, c).replace(/^<|>$/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new SignedFileError('/Contents della firma non leggibile', 'NOT_SIGNED');
  const signedBytes = Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]);
  const match = issued.find((x) => x.size <= signedBytes.length && sha256(bytes.subarray(0, x.size)) === x.sha256);
  if (!match)
    throw new SignedFileError(
      'Il PDF firmato non parte da un’attestazione emessa per questo lotto',
      'NOT_OUR_ATTESTATION',
    );
  const sd = parse(Buffer.from(hex, 'hex'), signedBytes);
  return { format: 'pades', attestationSha256: match.sha256, signer: requireValid(sd) };
}

/** CAdES or PAdES by content (a PDF header means PAdES), whatever the file's name says. */
export function checkSignedFile(bytes: Buffer, issued: readonly IssuedRef[]): SignedFileCheck {
  if (!issued.length)
    throw new SignedFileError('Nessuna attestazione è stata emessa per questo lotto', 'NOT_OUR_ATTESTATION');
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-' ? checkPades(bytes, issued) : checkCades(bytes, issued);
}
