// The scenario model: which keys the gateway accepts and how each order's job moves over time.
// Plain data; the YAML reader (scenario-file.ts) and demoScenario() both produce it.

// The simulator's own copy of the DMS job states (src/dms/types.ts has the exporter's JobStatus): the
// simulator speaks the API from the documentation and imports nothing from the client side, on purpose.
export const JOB_STATES = [
  'INIT',
  'LISTING',
  'LIST_SUCCESS',
  'DOWNLOADING',
  'DOWNLOAD_FAIL',
  'DOWNLOAD_SUCCESS',
  'FILTERING',
  'FILTER_FAIL',
  'FILTER_SUCCESS',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export type Stage = 'list' | 'download' | 'filter';
export type Outcome = 'success' | 'download_fail' | 'filter_fail' | 'stall';

export type Fault =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'internal_error' }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'malformed_json' }
  | { readonly kind: 'bad_ratio' }
  | { readonly kind: 'unknown_status' }
  | { readonly kind: 'business_error'; readonly code: string; readonly message: string };

export type FaultKind = Fault['kind'];

export interface ScenarioCredential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** When set, every call with this key must carry exactly this STS token. */
  readonly securityToken?: string | undefined;
}

export interface ScenarioOrder {
  readonly id: number;
  /** When set, a call naming another Tid gets the unknown-order answer. */
  readonly tid?: number | undefined;
  /** A label for people (the demo exporter config uses it); the simulator ignores it. */
  readonly name?: string | undefined;
  readonly startMs: number;
  readonly listMs: number;
  readonly downloadMs: number;
  readonly filterMs: number;
  /** Time spent in LIST_SUCCESS and in DOWNLOAD_SUCCESS. */
  readonly pauseMs: number;
  readonly outcome: Outcome;
  /** Where a *_fail or stall outcome stops; undefined for success. */
  readonly stopAt?: { readonly stage: Stage; readonly ratio: number } | undefined;
  readonly fault?: Fault | undefined;
}

export interface Scenario {
  readonly credentials: readonly ScenarioCredential[];
  readonly throttle?: { readonly maxCallsPerSecond: number } | undefined;
  /** The timeline wraps after this long (elapsed mod period), so a demo keeps moving. */
  readonly repeatEveryMs?: number | undefined;
  readonly orders: readonly ScenarioOrder[];
}

/** The stage where an outcome stops, if it is fixed by the outcome itself. */
export function failingStage(outcome: Outcome): Stage | undefined {
  if (outcome === 'download_fail') return 'download';
  if (outcome === 'filter_fail') return 'filter';
  return undefined;
}
