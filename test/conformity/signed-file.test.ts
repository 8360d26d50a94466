// Signed attestations made here with openssl (self-signed certificates generated in the test): CAdES envelopes in
// DER, BER (streamed) and PEM, a PAdES-style signed PDF; refusals of random files, other content and broken signatures.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSignedFile, SignedFileError } from '../../src/conformity/signed-file.ts';
import { sha256 } from '../../src/store/hash.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
const attestation = Buffer.from(
  `%PDF-1.7\n% attestazione di prova\n${'riga dell’elenco dei file\n'.repeat(200)}%%EOF\n`,
);
const issued = [{ sha256: sha256(attestation), size: attestation.length }];

const openssl = (...args: string[]) =>
  execFileSync('openssl', args, { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
const file = (name: string) => path.join(tmp.dir, name);

function makeSigner(name: string, keyArgs: string[]): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    ...keyArgs,
    '-nodes',
    '-keyout',
    file(`${name}.key`),
    '-out',
    file(`${name}.crt`),
    '-days',
    '2',
    '-subj',
    `/CN=${name}/O=Comune di Lugo`,
  );
}

function cades(content: Buffer, signer: string, extra: string[] = []): Buffer {
  writeFileSync(file('content.bin'), content);
  openssl(
    'cms',
    '-sign',
    '-binary',
    '-nodetach',
    '-in',
    file('content.bin'),
    '-signer',
    file(`${signer}.crt`),
    '-inkey',
    file(`${signer}.key`),
    '-out',
    file('out.p7m'),
    ...extra,
  );
  return readFileSync(file('out.p7m'));
}

function refusal(bytes: Buffer): string {
  try {
    checkSignedFile(bytes, issued);
  } catch (err) {
    expect(err).toBeInstanceOf(SignedFileError);
    return (err as SignedFileError).code;
  }
  throw new Error('accepted');
}

beforeAll(async () => {
  tmp = await makeTmpDir('faldone-signed-');
  makeSigner('Mario Rossi', ['rsa:2048']);
  makeSigner('Anna Bianchi', ['ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1']);
}, 60_000);
afterAll(async () => {
  await tmp?.cleanup();
});

describe('CAdES (.p7m)', () => {
  it('accepts an envelope of the issued attestation signed with RSA, and names the signer', () => {
    const check = checkSignedFile(cades(attestation, 'Mario Rossi', ['-outform', 'DER']), issued);
    expect(check).toMatchObject({ format: 'cades', attestationSha256: issued[0]!.sha256 });
    expect(check.signer).toContain('CN=Mario Rossi');
  });

  it('accepts ECDSA, a streamed BER envelope and a PEM one', () => {
    expect(checkSignedFile(cades(attestation, 'Anna Bianchi', ['-outform', 'DER']), issued).signer).toContain(
      'Anna Bianchi',
    );
    const ber = cades(attestation, 'Mario Rossi', ['-outform', 'DER', '-stream']);
    expect(checkSignedFile(ber, issued).format).toBe('cades');
    const pem = cades(attestation, 'Mario Rossi', ['-outform', 'PEM']);
    expect(pem.toString('latin1')).toContain('-----BEGIN CMS-----');
    expect(checkSignedFile(pem, issued).attestationSha256).toBe(issued[0]!.sha256);
  });

  it('refuses a random file, an envelope of other content and a detached signature', () => {
    expect(refusal(Buffer.from('non sono una firma, solo testo qualsiasi'))).toBe('NOT_SIGNED');
    expect(refusal(Buffer.concat([Buffer.from([0x30, 0x82, 0x10, 0x00]), Buffer.alloc(64, 7)]))).toBe('NOT_SIGNED');
    expect(refusal(cades(Buffer.from('un altro documento'), 'Mario Rossi', ['-outform', 'DER']))).toBe(
      'NOT_OUR_ATTESTATION',
    );
    writeFileSync(file('content.bin'), attestation);
    openssl(
      'cms',
      '-sign',
      '-binary',
      '-in',
      file('content.bin'),
      '-signer',
      file('Mario Rossi.crt'),
      '-inkey',
      file('Mario Rossi.key'),
      '-outform',
      'DER',
      '-out',
      file('detached.p7m'),
    );
    expect(refusal(readFileSync(file('detached.p7m')))).toBe('NOT_SIGNED');
  });

  it('refuses an envelope whose signature or signed content was altered', () => {
    const good = cades(attestation, 'Mario Rossi', ['-outform', 'DER']);
    const badSignature = Buffer.from(good);
    badSignature[badSignature.length - 1]! ^= 0xff;
    expect(refusal(badSignature)).toBe('BAD_SIGNATURE');
    // The same content bytes with one changed: not an attestation we issued.
    const at = good.indexOf(Buffer.from('attestazione di prova'));
    const badContent = Buffer.from(good);
    badContent[at]! ^= 0x20;
    expect(refusal(badContent)).toBe('NOT_OUR_ATTESTATION');
  });
});

/** The attestation with an incremental update holding a signature dictionary over the rest of the file. */
function pades(base: Buffer, signer: string): Buffer {
  const placeholder = '0'.repeat(16_384);
  const pad = (n: number) => String(n).padStart(10, '0');
  const build = (b: number, c: number, d: number, hex: string) =>
    Buffer.concat([
      base,
      Buffer.from(
        `\n99 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 ${pad(b)} ${pad(c)} ${pad(d)}] /Contents <${hex}> >>\nendobj\n%%EOF\n`,
        'latin1',
      ),
    ]);
  const draft = build(0, 0, 0, placeholder);
  const lt = draft.indexOf('/Contents <', base.length) + '/Contents '.length;
  const gt = lt + placeholder.length + 2;
  const final = build(lt, gt, draft.length - gt, placeholder);
  writeFileSync(file('signed-bytes.bin'), Buffer.concat([final.subarray(0, lt), final.subarray(gt)]));
  openssl(
    'cms',
    '-sign',
    '-binary',
    '-in',
    file('signed-bytes.bin'),
    '-signer',
    file(`${signer}.crt`),
    '-inkey',
    file(`${signer}.key`),
    '-outform',
    'DER',
    '-out',
    file('sig.der'),
  );
  const hex = readFileSync(file('sig.der')).toString('hex').padEnd(placeholder.length, '0');
  return build(lt, gt, draft.length - gt, hex);
}

describe('PAdES (signed PDF)', () => {
  it('accepts a PDF that begins with the issued attestation and carries a valid signature over its byte ranges', () => {
    const check = checkSignedFile(pades(attestation, 'Mario Rossi'), issued);
    expect(check).toMatchObject({ format: 'pades', attestationSha256: issued[0]!.sha256 });
    expect(check.signer).toContain('Mario Rossi');
  });

  it('refuses a PDF without a signature, one of another document, and one altered after signing', () => {
    expect(refusal(attestation)).toBe('NOT_SIGNED');
    const other = Buffer.from(attestation.toString('latin1').replace('di prova', 'diversa!'), 'latin1');
    expect(refusal(pades(other, 'Mario Rossi'))).toBe('NOT_OUR_ATTESTATION');
    const signed = pades(attestation, 'Mario Rossi');
    const tail = signed.lastIndexOf('endobj');
    const altered = Buffer.from(signed);
    altered[tail]! ^= 0x20;
    expect(refusal(altered)).toBe('BAD_SIGNATURE');
  });
});
