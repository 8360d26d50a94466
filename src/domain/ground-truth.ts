// Ground truth of a generated sample document: what the generator rendered, and what every step should find.
import { z } from 'zod';
import { DOCUMENT_TYPES, PROCEDURE_TYPES } from './vocabulary.ts';

export const practiceRefSchema = z.object({
  prefix: z.string(), // as written on paper: PE, PDC, SCIA, CILA, DIA, CE, LE, COND, AGI, AP
  number: z.number().int().positive(),
  year: z.number().int().min(1900).max(2100),
});
export type PracticeRef = z.infer<typeof practiceRefSchema>;

export const protocolRefSchema = z.object({
  number: z.number().int().positive(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), // ISO date
});
export type ProtocolRef = z.infer<typeof protocolRefSchema>;

export const addressSchema = z.object({ street: z.string(), civic: z.string() }); // "Via Roma", "12/A"
export type Address = z.infer<typeof addressSchema>;

export const cadastralSchema = z.object({
  foglio: z.number().int().positive(),
  mappale: z.number().int().positive(),
  subalterno: z.number().int().positive().optional(),
});
export type Cadastral = z.infer<typeof cadastralSchema>;

export const groundTruthSchema = z.object({
  id: z.string(), // e.g. "pe-0001"
  file: z.string(), // file name beside the JSON
  format: z.enum(['tiff', 'pdf', 'jpeg', 'png']),
  kind: z.enum(['practice', 'protocol']),
  municipality: z.string(),
  pages: z.array(z.object({ text: z.string() })).min(1),
  documentType: z.enum(DOCUMENT_TYPES),
  procedureType: z.enum(PROCEDURE_TYPES).optional(),
  practice: practiceRefSchema.optional(),
  protocol: protocolRefSchema.optional(),
  dates: z.array(z.string()),
  address: addressSchema.optional(),
  cadastral: cadastralSchema.optional(),
  applicant: z.string().optional(),
  titolarioClass: z.string(), // "VI.3"
  office: z.string(), // office id from config/offices.json
});
export type GroundTruth = z.infer<typeof groundTruthSchema>;
