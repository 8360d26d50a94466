// Reads mail the way a mail client would, with mailparser: the .eml files the outbox mailer writes and the raw
// messages an SMTP test server receives. Headers are flattened to their decoded text, keyed by lowercase name.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type AddressObject, type HeaderValue, type StructuredHeader } from 'mailparser';

export interface ParsedMail {
  file: string;
  headers: Record<string, string>;
  text: string;
  html?: string;
}

function isAddress(value: object): value is AddressObject {
  return 'text' in value && 'value' in value && Array.isArray(value.value);
}

function isStructured(value: object): value is StructuredHeader {
  return 'value' in value && 'params' in value;
}

/** One header as text: addresses as "Name" <addr>, Content-Type and the like as `value; key=param`. */
function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => headerText(v)).join(', ');
  if (value instanceof Date) return value.toUTCString();
  if (isAddress(value)) return value.text;
  if (isStructured(value))
    return [value.value, ...Object.entries(value.params).map(([k, v]) => `${k}=${v}`)].join('; ');
  return JSON.stringify(value); // List-* headers, which our mails never carry
}

export async function parseEml(raw: string | Buffer, file = ''): Promise<ParsedMail> {
  const mail = await simpleParser(raw, { skipTextToHtml: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const [key, value] of mail.headers) headers[key] = headerText(value);
  return { file, headers, text: mail.text ?? '', ...(mail.html ? { html: mail.html } : {}) };
}

/** Every .eml of the outbox folder, oldest first (the file names start with the time). */
export async function readOutbox(dir: string): Promise<ParsedMail[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(names.map(async (n) => parseEml(await readFile(path.join(dir, n)), n)));
}
