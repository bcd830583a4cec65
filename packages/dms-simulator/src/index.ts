// The DMS simulator's public face: the server, scenarios (from YAML or built in code), the pure
// timeline model, and serving a scenario file as `dms-datatrack-exporter simulate` does.

export {
  DEFAULT_NOT_STARTED_ERROR,
  JOB_STATES,
  RESULT_SCOPES,
  defaultDetail,
  type BusinessError,
  type DataTrackDetail,
  type Fault,
  type JobState,
  type Scenario,
  type ScenarioCredential,
  type ScenarioOrder,
  type ScenarioTicket,
  type TicketStatus,
  type TimePoint,
} from './scenario.js';
export { loadScenarioFile, parseScenario, scenarioFromYaml } from './scenario-file.js';
export { serveScenarioFile, type ServeOptions, type ServedScenarioFile } from './serve-file.js';
export {
  startSimulator,
  type RunningSimulator,
  type SimulatorLogger,
  type SimulatorOptions,
} from './server.js';
export type { SecondTally } from './call-counter.js';
export { momentAt, ticketStateAt, type Moment, type TicketState } from './tickets.js';
export { jobEndAt, jobProgressAt, timelinePosition, type JobProgress } from './timeline.js';
