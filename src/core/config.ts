// Configuration: parsed and validated once at start-up from defaults < JSON file < environment. Nothing else reads
// process.env.
import { OIDC_ENV_MAP, oidcConfigSchema } from '../auth/oidc/oidc.config.ts';
import { readFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseKeyValueList } from './key-value-list.ts';
import { s3OptionsSchema, type S3Options } from '../store/s3.options.ts';
import { comuneCodeSchema, type UnionSettings } from '../tenancy/comuni.ts';

const int = z.coerce.number().int();
/** Booleans from JSON or from environment strings ("true"/"false"/"1"/"0"/"yes"/"no"). */
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v))]);

/** Titolario code of a class ("VI.3") or of a whole titolo ("XIV"). */
const CLASS_CODE = /^[IVXLC]+(\.\d{1,3})?$/;
const threshold01 = z.coerce.number().min(0).max(1);
/**
 * Per-class thresholds: an object in the JSON file, or from the environment (replacing the file's whole list) either
 * JSON or "VI.3=0.8,IX.4=0.85".
 * An unparsable string is left as is so that validation names the variable's config key.
 */
const classThresholds = z.preprocess(
  parseKeyValueList,
  z.record(z.string().regex(CLASS_CODE, 'not a titolario class code like "VI.3" or "XIV"'), threshold01),
);
/** Per-Comune thresholds: an object in the JSON file, or from the environment JSON or "E730=0.8,A547=0.95". */
const comuneThresholds = z.preprocess(parseKeyValueList, z.record(comuneCodeSchema, threshold01));
/**
 * The Comuni of the union: a JSON array of { code, name, requireAccessRequest } in the file, or from the environment
 * either that JSON or "E730=Lugo,A547=Bagnacavallo" (code=name).
 */
const comuniList = z.preprocess(
  (v) => {
    const parsed = typeof v === 'string' && v.trim().startsWith('[') ? safeJson(v) : parseKeyValueList(v);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.entries(parsed as Record<string, unknown>).map(([code, name]) => ({ code, name }))
      : parsed;
  },
  z
    .array(z.object({ code: comuneCodeSchema, name: z.string().trim().min(1), requireAccessRequest: bool.default(false) }))
    .min(1)
    .refine((list) => new Set(list.map((c) => c.code)).size === list.length, 'a Comune code appears twice'),
);
/** Comma-separated Comune codes, or "*" for all. */
const comuneCodes = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '*' ? '*' : v.split(',').map((s) => s.trim()).filter(Boolean)) : v),
  z.union([z.literal('*'), z.array(comuneCodeSchema)]),
);
function safeJson(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}
/** A BullMQ repeat: milliseconds (a number, or a string of digits) or a cron pattern. */
const everyOrCron = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v),
  z.union([z.number().int().min(1000), z.string().trim().min(9)]),
);

export const configSchema = z.object({
  dataDir: z.string().default('data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  referenceDir: z.string().default('config'),
  redis: z
    .object({
      url: z.string().default('redis://127.0.0.1:6379'),
      prefix: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('faldone'),
    })
    .prefault({}),
  store: z
    .object({
      driver: z.enum(['fs', 's3']).default('fs'),
      root: z.string().optional(), // fs: default <dataDir>/store
      s3: z.record(z.string(), z.unknown()).default({}), // s3: see src/store/s3.options.ts
    })
    .prefault({}),
  db: z
    .object({
      driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
      path: z.string().optional(), // sqlite: default <dataDir>/faldone.db
      url: z.string().default('postgres://postgres@127.0.0.1:5432/faldone'), // postgres
      schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('public'),
      poolSize: int.min(1).max(200).default(10),
    })
    .prefault({}),
  search: z
    .object({
      driver: z.enum(['sqlite', 'meilisearch']).default('sqlite'),
      path: z.string().optional(), // default <dataDir>/search.db
      meili: z.record(z.string(), z.unknown()).default({}), // see src/index/meili.options.ts
    })
    .prefault({}),
  ocr: z
    .object({
      /** 'tesseract': tesseract.js (WASM, no system package); 'native': the tesseract binary (tesseract-ocr). */
      engine: z.enum(['tesseract', 'native']).default('tesseract'),
      workers: int.min(1).max(64).default(Math.max(1, cpus().length)),
      languages: z.string().default('ita'),
      pageTimeoutMs: int.min(1000).default(180_000),
      recycleAfterPages: int.min(1).default(200),
      /** Page clean-up before OCR (src/ocr/page-image.ts), each step recorded in the page's text record. */
      cleanup: z
        .object({
          orientation: bool.default(true), // measured on the image (stroke lean); unsure pages go to the probe or stay
          orientationMinConfidence: threshold01.default(0.5),
          /** Asked when the image measure is unsure: 'auto' = native tesseract OSD where installed, else none. */
          orientationProbe: z.enum(['auto', 'native-osd', 'tesseract.js-osd', 'none']).default('auto'),
          deskew: bool.default(true),
          deskewMaxDegrees: z.coerce.number().min(0.5).max(15).default(5),
          deskewMinDegrees: z.coerce.number().min(0).max(5).default(0.1),
          contrast: z.enum(['normalise', 'stretch', 'clahe', 'off']).default('normalise'),
          trimBorders: bool.default(true),
          borderMaxFraction: z.coerce.number().min(0).max(0.5).default(0.2),
          median: int.min(0).max(9).default(3),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Page quality control of scanned pages (src/scan/page-quality.ts): warnings, never failures. */
  scan: z
    .object({
      quality: bool.default(true),
      minDpi: int.min(1).max(2400).default(200),
      maxSkewDegrees: z.coerce.number().min(0).max(45).default(2),
      blankMaxInkedTiles: z.coerce.number().min(0).max(1).default(0.003),
      nearBlankMaxInkedTiles: z.coerce.number().min(0).max(1).default(0.015),
      darkMaxMeanLuminance: z.coerce.number().min(0).max(255).default(150),
      darkMaxInkCoverage: z.coerce.number().min(0).max(1).default(0.35),
      lightMinInkCoverage: z.coerce.number().min(0).max(1).default(0.002),
      edgeBandMm: z.coerce.number().min(0.5).max(20).default(2),
      edgeMinInk: z.coerce.number().min(0).max(1).default(0.03),
    })
    .prefault({}),
  limits: z
    .object({
      maxFileBytes: int.min(1).default(512 * 1024 * 1024),
      maxPixels: int.min(1).default(200_000_000),
      maxPages: int.min(1).default(2000),
      zipMaxEntries: int.min(1).default(10_000),
      zipMaxBytes: int.min(1).default(8 * 1024 * 1024 * 1024), // uncompressed, whole archive
      zipMaxRatio: int.min(1).default(200), // uncompressed / compressed per entry: more is a zip bomb
    })
    .prefault({}),
  jobs: z
    .object({
      attempts: int.min(1).default(8), // with exponential backoff from backoffMs: ~10 min of tolerance for outages
      backoffMs: int.min(0).default(3000),
      lockDurationMs: int.min(1000).default(30_000),
      stalledIntervalMs: int.min(1000).default(30_000),
    })
    .prefault({}),
  worker: z
    .object({
      /** Steps this process works on, comma-separated ("ocr-page" for an OCR-only host); empty = all. */
      queues: z.string().default(''),
      /** Concurrency per step, e.g. {"prepare": 2}; ocr-page defaults to ocr.workers, others to 1. */
      concurrency: z.record(z.string(), int.min(1).max(64)).default({}),
    })
    .prefault({}),
  inbox: z
    .object({
      enabled: bool.default(false),
      newPrefix: z.string().default('inbox/new/'),
      donePrefix: z.string().default('inbox/done/'),
      failedPrefix: z.string().default('inbox/failed/'),
      intervalMs: int.min(1000).default(15_000),
      maxFilesPerPoll: int.min(1).default(500),
      /** With a MinIO store, listen to bucket notifications to poll as soon as a file lands. */
      minioNotifications: bool.default(false),
    })
    .prefault({}),
  routing: z
    .object({
      /** Confidence from which a route is automatic; below it the document waits for a records manager. */
      threshold: threshold01.default(0.9),
      /** Overrides per titolario class ("VI.3": 0.8) or titolo ("XIV": 0.95); the class's own wins over its titolo's. */
      thresholds: classThresholds.default({}),
      /**
       * Overrides of the default per Comune of the document ("E730": 0.8). Precedence: per-class (class, then titolo)
       * wins over per-Comune, which wins over the default. Absent = none.
       */
      comuneThresholds: comuneThresholds.optional(),
    })
    .prefault({}),
  learning: z
    .object({
      /** Whether the scheduler checks for enough new decisions and retrains (on-demand retrain works regardless). */
      enabled: bool.default(true),
      /** Retrain once this many records-manager decisions (accepted or corrected) came after the newest model. */
      retrainAfter: int.min(1).default(50),
      /** How often to check: milliseconds or a cron pattern. */
      checkEvery: everyOrCron.default(15 * 60_000),
      /** Generated rows every retrain starts from (0: decisions only), and their seed. */
      base: z
        .object({
          synthetic: int.min(0).default(3000),
          seed: int.default(1),
        })
        .prefault({}),
      /** Share of the base rows and of the decisions held out to compare candidate and current model. */
      holdout: z.coerce.number().gt(0).lt(1).default(0.2),
      /** Training weight of a correction (a generated row or an accepted suggestion weighs 1). */
      correctionWeight: z.coerce.number().min(1).max(100).default(3),
      /** How much lower a candidate's macro-F1 and accuracy may be than the current model's and still be promoted. */
      tolerance: z.coerce.number().min(0).max(1).default(0),
      /** Training epochs of a retrain (the classifier's default when unset). */
      epochs: int.min(1).max(100).optional(),
    })
    .prefault({}),
  archive: z
    .object({
      /** The producing organisation named in submission packages (PdV), e.g. "Unione dei Comuni della Bassa Romagna". */
      producer: z.string().min(1).default('Faldone'),
    })
    .prefault({}),
  fixity: z
    .object({
      cron: z.string().default('0 3 * * 0'), // weekly, Sunday 03:00
    })
    .prefault({}),
  api: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: int.min(0).max(65535).default(3000),
    })
    .prefault({}),
  union: z
    .object({
      /** Name of the union (or of the single Comune) shown in the UI and in e-mails. */
      name: z.string().trim().min(1).default('Archivio edilizio'),
      comuni: comuniList.default([{ code: 'C000', name: 'Comune', requireAccessRequest: false }]),
      /** Comune of batches and users created without one; the first of `comuni` when unset. */
      defaultComune: comuneCodeSchema.optional(),
      /** Comuni (codes, or "*") whose practice documents professionals see only under an approved access request;
       *  added to each Comune's own requireAccessRequest. */
      accessRequired: comuneCodes.default([]),
      /** Days an approved access request lasts. */
      accessDays: int.min(1).max(3650).default(90),
      /** Window of the "requests in the same area" term of the scan work-list priority, in days. */
      areaDays: int.min(1).max(3650).default(365),
    })
    .prefault({}),
  notify: z
    .object({
      /** 'outbox' writes each message as a file under dataDir/outbox (default); 'smtp' sends it. */
      driver: z.enum(['outbox', 'smtp']).default('outbox'),
      outboxDir: z.string().optional(),
      /** smtp://user:pass@host:587 or smtps://… */
      smtpUrl: z.string().url().optional(),
      from: z.string().min(3).default('Archivio edilizio <archivio@localhost>'),
      /** Public address of the web app, for links in e-mails. */
      baseUrl: z.string().url().default('http://127.0.0.1:3000'),
    })
    .prefault({}),
  auth: z
    .object({
      /** A session ends after this long without requests… */
      sessionIdleMinutes: int.min(1).max(7 * 24 * 60).default(8 * 60),
      /** …and this long after the login whatever the activity. */
      sessionAbsoluteHours: int.min(1).max(24 * 30).default(12),
      /** Secure flag on the session cookie (always set when the request came over https). */
      secureCookies: bool.default(false),
      /** Password of the first `admin` user, created when there are no users; a random one is logged when unset. */
      adminPassword: z.string().min(8).optional(),
      /** Login attempts per minute per client address and username. */
      loginRateLimit: int.min(1).default(10),
      /** Searches per minute per user. */
      searchRateLimit: int.min(1).default(120),
      /** Single sign-on through an OpenID Connect provider (e.g. one fronting SPID/CIE); off unless OIDC_ISSUER is set. */
      oidc: oidcConfigSchema.prefault({}),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type RawConfig = z.output<typeof configSchema>;
/** Config with every derived path resolved to an absolute path. */
export type Config = Omit<RawConfig, 'store' | 'union' | 'notify'> & {
  union: UnionSettings;
  notify: Omit<RawConfig['notify'], 'outboxDir'> & { outboxDir: string };
  store: Omit<RawConfig['store'], 's3' | 'root'> & { root: string; s3?: S3Options };
  db: { path: string };
  search: { path: string };
};

/** Environment variables understood, mapped onto config paths. Documented in README.md. */
export const ENV_MAP: Record<string, string> = {
  ...OIDC_ENV_MAP,
  SEARCH_DRIVER: 'search.driver',
  MEILI_URL: 'search.meili.url',
  MEILI_API_KEY: 'search.meili.apiKey',
  MEILI_INDEX: 'search.meili.index',
  FALDONE_DATA_DIR: 'dataDir',
  LOG_LEVEL: 'logLevel',
  FALDONE_REFERENCE_DIR: 'referenceDir',
  REDIS_URL: 'redis.url',
  QUEUE_PREFIX: 'redis.prefix',
  STORE_DRIVER: 'store.driver',
  STORE_ROOT: 'store.root',
  S3_ENDPOINT: 'store.s3.endpoint',
  S3_REGION: 'store.s3.region',
  S3_BUCKET: 'store.s3.bucket',
  S3_PREFIX: 'store.s3.prefix',
  S3_ACCESS_KEY_ID: 'store.s3.accessKeyId',
  S3_SECRET_ACCESS_KEY: 'store.s3.secretAccessKey',
  S3_FORCE_PATH_STYLE: 'store.s3.forcePathStyle',
  S3_OBJECT_LOCK_MODE: 'store.s3.objectLock.mode',
  S3_OBJECT_LOCK_DAYS: 'store.s3.objectLock.days',
  DB_DRIVER: 'db.driver',
  DB_PATH: 'db.path',
  DATABASE_URL: 'db.url',
  DB_SCHEMA: 'db.schema',
  SEARCH_PATH: 'search.path',
  OCR_ENGINE: 'ocr.engine',
  OCR_WORKERS: 'ocr.workers',
  OCR_LANGUAGES: 'ocr.languages',
  OCR_PAGE_TIMEOUT_MS: 'ocr.pageTimeoutMs',
  OCR_RECYCLE_AFTER_PAGES: 'ocr.recycleAfterPages',
  OCR_ORIENTATION: 'ocr.cleanup.orientation',
  OCR_ORIENTATION_PROBE: 'ocr.cleanup.orientationProbe',
  OCR_DESKEW: 'ocr.cleanup.deskew',
  OCR_CONTRAST: 'ocr.cleanup.contrast',
  OCR_TRIM_BORDERS: 'ocr.cleanup.trimBorders',
  SCAN_QUALITY: 'scan.quality',
  SCAN_MIN_DPI: 'scan.minDpi',
  SCAN_MAX_SKEW_DEGREES: 'scan.maxSkewDegrees',
  SCAN_NEAR_BLANK_MAX_INKED_TILES: 'scan.nearBlankMaxInkedTiles',
  SCAN_DARK_MAX_MEAN_LUMINANCE: 'scan.darkMaxMeanLuminance',
  SCAN_LIGHT_MIN_INK_COVERAGE: 'scan.lightMinInkCoverage',
  SCAN_EDGE_MIN_INK: 'scan.edgeMinInk',
  MAX_FILE_BYTES: 'limits.maxFileBytes',
  MAX_PIXELS: 'limits.maxPixels',
  MAX_PAGES: 'limits.maxPages',
  JOB_ATTEMPTS: 'jobs.attempts',
  JOB_LOCK_MS: 'jobs.lockDurationMs',
  JOB_STALLED_CHECK_MS: 'jobs.stalledIntervalMs',
  WORKER_QUEUES: 'worker.queues',
  INBOX_ENABLED: 'inbox.enabled',
  INBOX_INTERVAL_MS: 'inbox.intervalMs',
  INBOX_MINIO_NOTIFICATIONS: 'inbox.minioNotifications',
  FIXITY_CRON: 'fixity.cron',
  ARCHIVE_PRODUCER: 'archive.producer',
  ROUTING_THRESHOLD: 'routing.threshold',
  ROUTING_THRESHOLDS: 'routing.thresholds',
  ROUTING_COMUNE_THRESHOLDS: 'routing.comuneThresholds',
  LEARNING_ENABLED: 'learning.enabled',
  RETRAIN_AFTER: 'learning.retrainAfter',
  RETRAIN_CHECK_EVERY: 'learning.checkEvery',
  RETRAIN_BASE_SYNTHETIC: 'learning.base.synthetic',
  RETRAIN_BASE_SEED: 'learning.base.seed',
  RETRAIN_HOLDOUT: 'learning.holdout',
  RETRAIN_CORRECTION_WEIGHT: 'learning.correctionWeight',
  RETRAIN_TOLERANCE: 'learning.tolerance',
  HOST: 'api.host',
  PORT: 'api.port',
  FALDONE_ADMIN_PASSWORD: 'auth.adminPassword',
  SESSION_IDLE_MINUTES: 'auth.sessionIdleMinutes',
  SESSION_ABSOLUTE_HOURS: 'auth.sessionAbsoluteHours',
  SECURE_COOKIES: 'auth.secureCookies',
  LOGIN_RATE_LIMIT: 'auth.loginRateLimit',
  SEARCH_RATE_LIMIT: 'auth.searchRateLimit',
  UNION_NAME: 'union.name',
  COMUNI: 'union.comuni',
  DEFAULT_COMUNE: 'union.defaultComune',
  ACCESS_REQUEST_COMUNI: 'union.accessRequired',
  ACCESS_DAYS: 'union.accessDays',
  NOTIFY_DRIVER: 'notify.driver',
  NOTIFY_OUTBOX_DIR: 'notify.outboxDir',
  SMTP_URL: 'notify.smtpUrl',
  MAIL_FROM: 'notify.from',
  PUBLIC_URL: 'notify.baseUrl',
};

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object'
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Build the configuration. `env` defaults to process.env; the JSON file is FALDONE_CONFIG or config/faldone.json
 * when it exists; `overrides` (tests) win over everything.
 */
export function loadConfig(opts: { env?: NodeJS.ProcessEnv; overrides?: ConfigInput; cwd?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  let merged: Record<string, unknown> = {};
  const file = env.FALDONE_CONFIG ?? path.join(cwd, 'config', 'faldone.json');
  if (existsSync(file)) {
    try {
      merged = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
  } else if (env.FALDONE_CONFIG) {
    throw new ConfigError(`config file ${file} (FALDONE_CONFIG) does not exist`);
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, dotted] of Object.entries(ENV_MAP)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(fromEnv, dotted, value);
  }
  merged = deepMerge(merged, fromEnv);
  if (opts.overrides) merged = deepMerge(merged, opts.overrides as Record<string, unknown>);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${issues}`);
  }
  const raw = parsed.data;
  const dataDir = path.resolve(cwd, raw.dataDir);
  let s3: S3Options | undefined;
  if (raw.store.driver === 's3') {
    const r = s3OptionsSchema.safeParse(raw.store.s3);
    if (!r.success) {
      throw new ConfigError(`invalid configuration: ${r.error.issues.map((i) => `store.s3.${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    s3 = r.data;
  }
  if (raw.notify.driver === 'smtp' && !raw.notify.smtpUrl) {
    throw new ConfigError('invalid configuration: notify.smtpUrl: required when notify.driver is smtp (SMTP_URL)');
  }
  const union = unionSettings(raw.union);
  const strangers = Object.keys(raw.routing.comuneThresholds ?? {}).filter(
    (code) => !union.comuni.some((c) => c.code === code),
  );
  if (strangers.length)
    throw new ConfigError(`invalid configuration: routing.comuneThresholds: unknown Comune ${strangers.join(', ')}`);
  return {
    ...raw,
    union,
    notify: { ...raw.notify, outboxDir: path.resolve(cwd, raw.notify.outboxDir ?? path.join(dataDir, 'outbox')) },
    dataDir,
    referenceDir: path.resolve(cwd, raw.referenceDir),
    store: { ...raw.store, root: path.resolve(cwd, raw.store.root ?? path.join(dataDir, 'store')), s3 },
    db: { ...raw.db, path: path.resolve(cwd, raw.db.path ?? path.join(dataDir, 'faldone.db')) },
    search: { ...raw.search, path: path.resolve(cwd, raw.search.path ?? path.join(dataDir, 'search.db')) },
  };
}

function unionSettings(raw: RawConfig['union']): UnionSettings {
  const codes = new Set(raw.comuni.map((c) => c.code));
  const unknown = [raw.defaultComune, ...(raw.accessRequired === '*' ? [] : raw.accessRequired)].filter(
    (c): c is string => c !== undefined && !codes.has(c),
  );
  if (unknown.length) throw new ConfigError(`invalid configuration: union: unknown Comune ${unknown.join(', ')}`);
  const required = (code: string) => raw.accessRequired === '*' || raw.accessRequired.includes(code);
  return {
    name: raw.name,
    comuni: raw.comuni.map((c) => ({ ...c, requireAccessRequest: c.requireAccessRequest || required(c.code) })),
    defaultComune: raw.defaultComune ?? raw.comuni[0]!.code,
    accessDays: raw.accessDays,
    areaDays: raw.areaDays,
  };
}
