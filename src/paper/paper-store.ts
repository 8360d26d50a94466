// The paper side of the archive (issue 11): the inventory of paper practices (what is on which shelf), access
// requests (accesso agli atti) and the state of digitisation of each practice. One port, an SQLite and a PostgreSQL
// adapter living in the metadata store's database with their own tables and migration bookkeeping (paper_migrations).
import type { AccessRequestState, PaperState, RequesterRole } from '../domain/paper-vocabulary.ts';

export {
  ACCESS_REQUEST_STATES,
  ACCESS_REQUEST_STATE_LABELS,
  PAPER_STATES,
  PAPER_STATE_LABELS,
  REQUESTER_ROLES,
  REQUESTER_ROLE_LABELS,
  type AccessRequestState,
  type PaperState,
  type RequesterRole,
} from '../domain/paper-vocabulary.ts';

/** Where the paper file sits: edificio / stanza / scaffale / faldone (box). */
export interface PaperLocation {
  building?: string;
  room?: string;
  shelf?: string;
  box?: string;
}

/** One practice of the paper inventory, unique by (comune, practiceKey). */
export interface InventoryRecord {
  id: string; // uuid
  comune: string;
  /** Normalised practice key, "PE 123/1987" (practiceKeyOf in src/classify/practice-keys.ts). */
  practiceKey: string;
  /** Procedure type code as in the practice key prefix (PE, PDC, SCIA, CILA, DIA, CE, LE, COND, AGI, AP…). */
  procedureType: string;
  number: number;
  year: number;
  applicant?: string;
  address?: string; // "Via Roma 12" as written
  addressKey?: string; // addressKeyOf(address)
  foglio?: number;
  mappale?: number;
  subalterno?: number;
  parcelKey?: string; // parcelKeyOf
  location: PaperLocation;
  notes?: string;
  state: PaperState;
  stateAt: string; // ISO, when the state last changed
  /** Pages archived for this practice once digitised. */
  pages: number;
  /** Pages the paper practice holds, per the inventory ("pagine", "fogli", "consistenza"): checked against `pages`. */
  expectedPages?: number;
  importId?: string;
  sourceRow?: number; // row of the import file (1 = first data row)
  createdAt: string;
  updatedAt: string;
}

export type NewInventoryRecord = Omit<
  InventoryRecord,
  'id' | 'state' | 'stateAt' | 'pages' | 'createdAt' | 'updatedAt'
> & {
  state?: PaperState;
};

export interface InventoryImport {
  id: string;
  comune: string;
  filename: string;
  importedBy: string; // user id
  at: string;
  rows: number;
  inserted: number;
  updated: number;
  rejected: number;
  /** Row-level problems, every rejected row at least once. */
  problems: ImportProblem[];
}

export interface ImportProblem {
  row: number; // 1 = first data row
  column?: string; // the field, e.g. 'year'
  severity: 'error' | 'warning'; // an error rejects the row; a warning keeps it
  message: string; // Italian, for people: "Anno mancante", "Foglio non numerico: 'A12'"
  value?: string;
}

export interface InventoryFilter {
  /** Free text over practice key, applicant, address, parcel and location (case- and accent-insensitive, all words). */
  q?: string;
  comuni?: readonly string[];
  state?: PaperState | readonly PaperState[];
  practiceKey?: string;
  year?: number;
  foglio?: number;
  mappale?: number;
  /** Street with or without civic (as addressKeyOf), prefix match on the key. */
  address?: string;
  limit?: number;
  offset?: number;
}

export interface AccessRequest {
  id: string; // uuid
  comune: string;
  practiceKey: string;
  /** The inventory record when the practice is in the paper inventory. */
  inventoryId?: string;
  requesterId: string;
  requesterName: string;
  requesterEmail?: string;
  requesterRole: RequesterRole;
  reason: string;
  state: AccessRequestState;
  /** The practice was not digitised when requested: it waits for its scans (digitalizzazione su richiesta). */
  awaitingScan: boolean;
  decidedBy?: string;
  decidedAt?: string;
  decisionNote?: string;
  /** Approved access ends at this time (ISO). */
  expiresAt?: string;
  /** When the requester was told the practice's scans are available. */
  scanNotifiedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export type NewAccessRequest = Pick<
  AccessRequest,
  | 'comune'
  | 'practiceKey'
  | 'inventoryId'
  | 'requesterId'
  | 'requesterName'
  | 'requesterEmail'
  | 'requesterRole'
  | 'reason'
  | 'awaitingScan'
>;

export interface AccessRequestFilter {
  comuni?: readonly string[];
  requesterId?: string;
  state?: AccessRequestState | readonly AccessRequestState[];
  practiceKey?: string;
  awaitingScan?: boolean;
  limit?: number;
  offset?: number;
}

/** A practice on the scan work list with what its priority is computed from. */
export interface ScanCandidate {
  record: InventoryRecord;
  /** Access requests waiting (pending or approved, not yet notified of the scans). */
  waitingRequests: number;
  /** Oldest waiting request (ISO). */
  oldestRequestAt: string;
  /** Access requests of the last `areaDays` days for practices in the same area (same parcel key, else street). */
  areaRequests: number;
}

export interface DigitisationCounts {
  comune: string;
  practices: number;
  byState: Record<PaperState, number>;
  pagesArchived: number;
}

export interface PaperStore {
  // Inventory
  /** Inserts or updates by (comune, practiceKey); an update keeps state, pages and id. */
  upsertInventory(records: readonly NewInventoryRecord[]): Promise<{ inserted: number; updated: number }>;
  getInventory(id: string): Promise<InventoryRecord | null>;
  getInventoryByKey(comune: string, practiceKey: string): Promise<InventoryRecord | null>;
  /** Ordered by comune, year desc, practice key. */
  searchInventory(filter: InventoryFilter): Promise<{ total: number; records: InventoryRecord[] }>;
  /**
   * Moves a practice to `state` (and adds `pages` when given). Only forward moves unless `force`: paper → requested
   * → scanned → archived. Returns the updated record, or null when absent or the move would go backwards.
   */
  setInventoryState(
    comune: string,
    practiceKey: string,
    state: PaperState,
    opts?: { pages?: number; at?: string; force?: boolean },
  ): Promise<InventoryRecord | null>;
  saveImport(report: InventoryImport): Promise<void>;
  getImport(id: string): Promise<InventoryImport | null>;
  listImports(opts?: { comuni?: readonly string[]; limit?: number }): Promise<InventoryImport[]>;

  // Access requests
  createAccessRequest(input: NewAccessRequest): Promise<AccessRequest>;
  getAccessRequest(id: string): Promise<AccessRequest | null>;
  /** Newest first. */
  listAccessRequests(filter?: AccessRequestFilter): Promise<{ total: number; requests: AccessRequest[] }>;
  /**
   * Conditional update: applies only while the request is in one of `expectState` (two archivists cannot both decide).
   * Returns null when the request does not exist or is no longer in an expected state.
   */
  updateAccessRequest(
    id: string,
    expectState: readonly AccessRequestState[],
    patch: Partial<
      Pick<
        AccessRequest,
        'state' | 'decidedBy' | 'decidedAt' | 'decisionNote' | 'expiresAt' | 'awaitingScan' | 'scanNotifiedAt'
      >
    >,
    /** Also required for the update: e.g. `awaitingScan: true`, so that two workers archiving documents of the same
     *  practice at once cannot both tell the requester. */
    expect?: { awaitingScan?: boolean },
  ): Promise<AccessRequest | null>;
  /** Whether the user holds an approved, unexpired request for the practice at `at` (ISO). */
  hasApprovedAccess(requesterId: string, comune: string, practiceKey: string, at: string): Promise<boolean>;
  /** Approved requests whose expiresAt is before `at` become 'expired'; returns them. */
  expireAccessRequests(at: string): Promise<AccessRequest[]>;

  // Digitisation on demand
  /** Inventory records in state 'requested' with their waiting requests and area demand (requests since `areaSince`). */
  scanCandidates(opts: { comuni?: readonly string[]; areaSince: string }): Promise<ScanCandidate[]>;
  /** Counts per Comune. */
  digitisationCounts(opts?: { comuni?: readonly string[] }): Promise<DigitisationCounts[]>;
  /** Pages archived per day (UTC date yyyy-mm-dd) of practices in the inventory, since `since`, per Comune. */
  pagesPerDay(opts: {
    since: string;
    comuni?: readonly string[];
  }): Promise<Array<{ comune: string; day: string; pages: number; practices: number }>>;

  close(): Promise<void>;
}
