import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type RegistryContentType,
} from 'prom-client';
import { STAGES } from '../collector/job-watch.js';
import { REUSE_REASONS, type ScrapeRecorder } from '../collector/types.js';
import type { DiscoveryRecorder } from '../discovery/discoverer.js';
import { ACTIONS } from '../dms/types.js';
import { METRICS } from './catalogue.js';
import { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE, type ExpositionFormat } from './exposition.js';

export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
}

/** The exporter's own metrics: live as long as the process, unlike the per-scrape order data. */
export interface SelfMetrics {
  /** The registry holding the self metrics for one exposition format, rendering in that format. */
  registryFor(format: ExpositionFormat): Registry<RegistryContentType>;
  readonly recorder: ScrapeRecorder;
  readonly discovery: DiscoveryRecorder;
  configLoaded(success: boolean, nowMs: number): void;
  /**
   * The profiles of the configuration in force: their duration histograms start at zero (so that
   * increase() counts a profile's first completed stage), a removed profile's go.
   */
  profilesFollowed(profiles: Iterable<string>): void;
  /** The TLS server certificate in use expires at `notAfterMs`. */
  tlsCertificateLoaded(notAfterMs: number): void;
}

type SelfRegistry = ScrapeRecorder &
  DiscoveryRecorder &
  Pick<SelfMetrics, 'configLoaded' | 'profilesFollowed' | 'tlsCertificateLoaded'> & {
    readonly registry: Registry<RegistryContentType>;
  };

/**
 * prom-client renames counter objects in place when it renders OpenMetrics (it strips `_total`
 * from `metric.name`), so one counter object cannot serve both formats: after Prometheus' first
 * OpenMetrics scrape, curl would see counters without `_total`. Each format therefore gets its own
 * set of metric objects, and every event is recorded into both.
 */
export function createSelfMetrics(build: BuildInfo): SelfMetrics {
  const text = createSelfRegistry(build, TEXT_CONTENT_TYPE);
  const openMetrics = createSelfRegistry(build, OPENMETRICS_CONTENT_TYPE);
  const both = [text, openMetrics] as const;
  return {
    registryFor: (format) => (format === 'openmetrics' ? openMetrics : text).registry,
    recorder: {
      requestFinished: (...args) => both.forEach((set) => set.requestFinished(...args)),
      answerReused: (...args) => both.forEach((set) => set.answerReused(...args)),
      retried: (...args) => both.forEach((set) => set.retried(...args)),
      rateLimitWaited: (...args) => both.forEach((set) => set.rateLimitWaited(...args)),
      stageCompleted: (...args) => both.forEach((set) => set.stageCompleted(...args)),
      jobCompleted: (...args) => both.forEach((set) => set.jobCompleted(...args)),
    },
    discovery: {
      discoveryFinished: (...args) => both.forEach((set) => set.discoveryFinished(...args)),
      discoveryStopped: (...args) => both.forEach((set) => set.discoveryStopped(...args)),
    },
    configLoaded: (...args) => both.forEach((set) => set.configLoaded(...args)),
    profilesFollowed: (profiles) => {
      const names = [...profiles];
      both.forEach((set) => set.profilesFollowed(names));
    },
    tlsCertificateLoaded: (...args) => both.forEach((set) => set.tlsCertificateLoaded(...args)),
  };
}

function createSelfRegistry(build: BuildInfo, contentType: RegistryContentType): SelfRegistry {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(contentType);
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const api = apiMetrics(registers);
  const durations = durationMetrics(registers);
  const discovery = discoveryMetrics(registers);
  const reloadOk = new Gauge({ ...METRICS.configReloadSuccessful, registers });
  const reloadTime = new Gauge({ ...METRICS.configReloadTimestamp, registers });
  const certificateNotAfter = new Gauge({ ...METRICS.webTlsCertificateNotAfter, registers });
  new Gauge({
    ...METRICS.buildInfo,
    labelNames: ['version', 'revision', 'nodejs_version'],
    registers,
  }).set({ version: build.version, revision: build.revision, nodejs_version: process.version }, 1);
  return {
    registry,
    ...api,
    ...durations,
    ...discovery,
    configLoaded(success, nowMs) {
      reloadOk.set(success ? 1 : 0);
      if (success) reloadTime.set(nowMs / 1000);
    },
    tlsCertificateLoaded: (notAfterMs) => certificateNotAfter.set(notAfterMs / 1000),
  };
}

function apiMetrics(
  registers: Registry<RegistryContentType>[],
): Omit<ScrapeRecorder, 'stageCompleted' | 'jobCompleted'> {
  const requests = new Counter({ ...METRICS.apiRequests, labelNames: ['action'], registers });
  const errors = new Counter({ ...METRICS.apiRequestErrors, labelNames: ['action', 'code'], registers });
  const duration = new Histogram({
    ...METRICS.apiRequestDuration,
    labelNames: ['action'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const reused = new Counter({ ...METRICS.answersReused, labelNames: ['reason'], registers });
  const retries = new Counter({ ...METRICS.apiRetries, labelNames: ['action', 'code'], registers });
  const rateLimitWait = new Histogram({
    ...METRICS.rateLimitWait,
    labelNames: ['profile'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  // Zero-initialised so rate() and increase() work from the first scrape on.
  for (const action of ACTIONS) {
    requests.inc({ action }, 0);
    duration.zero({ action });
  }
  for (const reason of REUSE_REASONS) reused.inc({ reason }, 0);
  return {
    requestFinished(action, seconds, errorCode) {
      requests.inc({ action });
      duration.observe({ action }, seconds);
      if (errorCode !== undefined) errors.inc({ action, code: errorCode });
    },
    answerReused: (reason) => reused.inc({ reason }),
    retried: (action, code) => retries.inc({ action, code }),
    rateLimitWaited: (profile, seconds) => rateLimitWait.observe({ profile }, seconds),
  };
}

/** Stages and jobs last from seconds to a day. */
const DURATION_BUCKETS = [30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400];

/** The baselines: how long stages and jobs that ended successfully took, per profile. */
function durationMetrics(
  registers: Registry<RegistryContentType>[],
): Pick<ScrapeRecorder, 'stageCompleted' | 'jobCompleted'> & Pick<SelfMetrics, 'profilesFollowed'> {
  const stages = new Histogram({
    ...METRICS.completedStageDuration,
    labelNames: ['profile', 'stage'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const jobs = new Histogram({
    ...METRICS.completedJobDuration,
    labelNames: ['profile'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  let followed = new Set<string>();
  return {
    stageCompleted: (profile, stage, seconds) => stages.observe({ profile, stage }, seconds),
    jobCompleted: (profile, seconds) => jobs.observe({ profile }, seconds),
    profilesFollowed(profiles) {
      const next = new Set(profiles);
      for (const profile of followed) {
        if (next.has(profile)) continue;
        jobs.remove({ profile });
        for (const stage of STAGES) stages.remove({ profile, stage });
      }
      for (const profile of next) {
        if (followed.has(profile)) continue;
        jobs.zero({ profile });
        for (const stage of STAGES) stages.zero({ profile, stage });
      }
      followed = next;
    },
  };
}

function discoveryMetrics(registers: Registry<RegistryContentType>[]): DiscoveryRecorder {
  const labelNames = ['profile'];
  const orders = new Gauge({ ...METRICS.discoveredOrders, labelNames, registers });
  const leftOut = new Gauge({ ...METRICS.discoveryLeftOut, labelNames, registers });
  const withoutDetail = new Gauge({ ...METRICS.discoveryWithoutDetail, labelNames, registers });
  const lastSuccess = new Gauge({ ...METRICS.discoveryLastSuccess, labelNames, registers });
  const errors = new Counter({ ...METRICS.discoveryErrors, labelNames: ['profile', 'code'], registers });
  const duration = new Histogram({
    ...METRICS.discoveryDuration,
    labelNames,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  return {
    discoveryFinished(profile, seconds, outcome) {
      duration.observe({ profile }, seconds);
      if (!outcome.ok) return void errors.inc({ profile, code: outcome.code });
      orders.set({ profile }, outcome.orders);
      leftOut.set({ profile }, outcome.leftOut);
      withoutDetail.set({ profile }, outcome.withoutDetail);
      lastSuccess.set({ profile }, outcome.atMs / 1000);
    },
    discoveryStopped(profile) {
      for (const gauge of [orders, leftOut, withoutDetail, lastSuccess]) gauge.remove({ profile });
    },
  };
}
