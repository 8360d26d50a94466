// The index (indice) of a submission package (PdV), in the style of UNI 11386:2010 (SInCRO): one IdC with its
// SelfDescription, the VdC (the submission) it describes, one FileGroup per document listing every file with its
// path and SHA-256, and the Process (who produced it, and when). Built as an XML string and parsed back.
//
// Where it departs from the letter of the standard (it is "in the style of", not validated against the XSD):
// - Hash values are lowercase hexadecimal, not base64: each Hash carries faldone:encoding="hex" and the file says so
//   in a comment, so a reader never has to guess.
// - Faldone-specific details (document id, practice, file size and role) are attributes in the faldone namespace,
//   which a SInCRO reader can ignore.
// - Paths are relative to the root folder of the PdV (PdV-<id>/), '/'-separated.
import { XMLParser } from 'fast-xml-parser';

export const SINCRO_NS = 'http://www.uni.com/U3011/sincro/';
export const FALDONE_PDV_NS = 'https://faldone.example/ns/pdv/1';
export const INDEX_FILE = 'indice.xml';

export interface PdvIndexFile {
  /** Identifier of the file inside the PdV: its path. */
  id: string;
  /** Relative to the PdV root folder, e.g. "<sha256>/document.pdf". */
  path: string;
  /** SHA-256, lowercase hex. */
  sha256: string;
  size?: number;
  mediaType?: string;
  role?: string;
}

export interface PdvIndexGroup {
  /** Human label: "<document id> — <practice>". */
  label: string;
  /** Set for the FileGroup of a document; absent for the group describing the PdV itself (pdv.json). */
  documentId?: string;
  practice?: string;
  files: PdvIndexFile[];
}

export interface PdvIndex {
  /** ID of the index itself (SelfDescription/ID). */
  id: string;
  /** ID of the submission (VdC/ID). */
  submissionId: string;
  application: { name: string; version: string; producer: string };
  /** The producer organisation (Process/Agent). */
  agent: string;
  /** ISO 8601 timestamp (Process/TimeReference/TimeInfo). */
  timeReference: string;
  groups: PdvIndexGroup[];
}

export class PdvIndexError extends Error {
  override name = 'PdvIndexError';
}

const HEX64 = /^[0-9a-f]{64}$/;

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 cannot carry most C0 control characters even escaped: drop them.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/** The index as an XML document (UTF-8, no BOM). Deterministic: same input, same bytes. */
export function buildIndexXml(index: PdvIndex): string {
  const out: string[] = [];
  const line = (depth: number, s: string) => out.push('  '.repeat(depth) + s);
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<!-- Indice del pacchetto di versamento (PdV) nello stile di UNI 11386:2010 (SInCRO). -->');
  out.push('<!-- Hash: funzione SHA-256, valore in esadecimale minuscolo (faldone:encoding="hex"), non base64. -->');
  out.push('<!-- Path: relativo alla cartella radice del PdV, separatore "/". -->');
  line(0, `<sincro:IdC xmlns:sincro="${SINCRO_NS}" xmlns:faldone="${FALDONE_PDV_NS}" sincro:url="${SINCRO_NS}" sincro:version="1.0">`);
  line(1, '<sincro:SelfDescription>');
  line(2, `<sincro:ID sincro:scheme="local">${esc(index.id)}</sincro:ID>`);
  line(2, '<sincro:CreatingApplication>');
  line(3, `<sincro:Name>${esc(index.application.name)}</sincro:Name>`);
  line(3, `<sincro:Version>${esc(index.application.version)}</sincro:Version>`);
  line(3, `<sincro:Producer>${esc(index.application.producer)}</sincro:Producer>`);
  line(2, '</sincro:CreatingApplication>');
  line(1, '</sincro:SelfDescription>');
  line(1, '<sincro:VdC>');
  line(2, `<sincro:ID sincro:scheme="local">${esc(index.submissionId)}</sincro:ID>`);
  line(1, '</sincro:VdC>');
  for (const g of index.groups) {
    const attrs = [
      g.documentId !== undefined ? ` faldone:documentId="${esc(g.documentId)}"` : '',
      g.practice !== undefined ? ` faldone:practice="${esc(g.practice)}"` : '',
    ].join('');
    line(1, `<sincro:FileGroup${attrs}>`);
    line(2, `<sincro:Label>${esc(g.label)}</sincro:Label>`);
    for (const f of g.files) {
      if (!HEX64.test(f.sha256)) throw new PdvIndexError(`file ${f.path}: SHA-256 must be 64 lowercase hex digits`);
      const fattrs = [
        f.mediaType !== undefined ? ` sincro:format="${esc(f.mediaType)}"` : '',
        f.size !== undefined ? ` faldone:size="${f.size}"` : '',
        f.role !== undefined ? ` faldone:role="${esc(f.role)}"` : '',
      ].join('');
      line(2, `<sincro:File${fattrs}>`);
      line(3, `<sincro:ID sincro:scheme="local">${esc(f.id)}</sincro:ID>`);
      line(3, `<sincro:Path>${esc(f.path)}</sincro:Path>`);
      line(3, `<sincro:Hash sincro:function="SHA-256" faldone:encoding="hex">${f.sha256}</sincro:Hash>`);
      line(2, '</sincro:File>');
    }
    line(1, '</sincro:FileGroup>');
  }
  line(1, '<sincro:Process>');
  line(2, '<sincro:Agent sincro:type="organization" sincro:role="OtherRole" sincro:otherRole="Produttore">');
  line(3, '<sincro:AgentName>');
  line(4, `<sincro:FormalName>${esc(index.agent)}</sincro:FormalName>`);
  line(3, '</sincro:AgentName>');
  line(2, '</sincro:Agent>');
  line(2, '<sincro:TimeReference>');
  line(3, `<sincro:TimeInfo>${esc(index.timeReference)}</sincro:TimeInfo>`);
  line(2, '</sincro:TimeReference>');
  line(1, '</sincro:Process>');
  line(0, '</sincro:IdC>');
  return out.join('\n') + '\n';
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true, // whatever prefix a rewriter chose for the namespaces
  parseTagValue: false, // a hash of digits only must stay a string
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  isArray: (name) => name === 'FileGroup' || name === 'File',
});

function text(node: unknown, what: string): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object' && typeof (node as Node)['#text'] === 'string') return (node as Node)['#text'] as string;
  if (node && typeof node === 'object' && Object.keys(node).every((k) => k.startsWith('@'))) return ''; // empty element
  throw new PdvIndexError(`index: ${what} is missing`);
}

function obj(node: unknown, what: string): Node {
  if (node && typeof node === 'object' && !Array.isArray(node)) return node as Node;
  throw new PdvIndexError(`index: ${what} is missing`);
}

function optAttr(node: Node, name: string): string | undefined {
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

/** Parse an index written by buildIndexXml (or rewritten with other namespace prefixes). Throws PdvIndexError. */
export function parseIndexXml(xml: string): PdvIndex {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new PdvIndexError(`index is not well-formed XML: ${(err as Error).message}`);
  }
  const idc = obj(doc.IdC, 'IdC');
  const self = obj(idc.SelfDescription, 'SelfDescription');
  const app = obj(self.CreatingApplication, 'SelfDescription/CreatingApplication');
  const vdc = obj(idc.VdC, 'VdC');
  const proc = obj(idc.Process, 'Process');
  const agent = obj(proc.Agent, 'Process/Agent');
  const groups = ((idc.FileGroup as unknown[]) ?? []).map((gNode, gi): PdvIndexGroup => {
    const g = obj(gNode, `FileGroup[${gi}]`);
    const files = ((g.File as unknown[]) ?? []).map((fNode, fi): PdvIndexFile => {
      const where = `FileGroup[${gi}]/File[${fi}]`;
      const f = obj(fNode, where);
      const hashNode = f.Hash;
      const fn = hashNode && typeof hashNode === 'object' ? optAttr(hashNode as Node, 'function') : undefined;
      if (fn !== 'SHA-256') throw new PdvIndexError(`index: ${where}/Hash must use function SHA-256 (found ${fn ?? 'none'})`);
      const enc = optAttr(hashNode as Node, 'encoding') ?? 'hex';
      let sha256 = text(hashNode, `${where}/Hash`).trim();
      if (enc === 'base64') sha256 = Buffer.from(sha256, 'base64').toString('hex');
      else if (enc !== 'hex') throw new PdvIndexError(`index: ${where}/Hash has unknown encoding ${enc}`);
      sha256 = sha256.toLowerCase();
      if (!HEX64.test(sha256)) throw new PdvIndexError(`index: ${where}/Hash is not a SHA-256 value`);
      const size = optAttr(f, 'size');
      const file: PdvIndexFile = { id: text(f.ID, `${where}/ID`), path: text(f.Path, `${where}/Path`), sha256 };
      if (size !== undefined) {
        if (!/^\d+$/.test(size)) throw new PdvIndexError(`index: ${where} has an invalid size ${JSON.stringify(size)}`);
        file.size = Number(size);
      }
      const mediaType = optAttr(f, 'format');
      if (mediaType !== undefined) file.mediaType = mediaType;
      const role = optAttr(f, 'role');
      if (role !== undefined) file.role = role;
      return file;
    });
    const group: PdvIndexGroup = { label: text(g.Label, `FileGroup[${gi}]/Label`), files };
    const documentId = optAttr(g, 'documentId');
    if (documentId !== undefined) group.documentId = documentId;
    const practice = optAttr(g, 'practice');
    if (practice !== undefined) group.practice = practice;
    return group;
  });
  return {
    id: text(self.ID, 'SelfDescription/ID'),
    submissionId: text(vdc.ID, 'VdC/ID'),
    application: {
      name: text(app.Name, 'CreatingApplication/Name'),
      version: text(app.Version, 'CreatingApplication/Version'),
      producer: text(app.Producer, 'CreatingApplication/Producer'),
    },
    agent: text(obj(agent.AgentName, 'Process/Agent/AgentName').FormalName, 'Process/Agent/AgentName/FormalName'),
    timeReference: text(obj(proc.TimeReference, 'Process/TimeReference').TimeInfo, 'Process/TimeReference/TimeInfo'),
    groups,
  };
}
