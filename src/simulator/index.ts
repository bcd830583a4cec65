// The built-in DMS simulator: a real HTTP server that checks signatures like the Alibaba Cloud POP
// gateway and answers GetDataTrackJobDegree from a scripted scenario. It shares no code with the client
// side (never imports src/dms/ or @alicloud/*), so a signing bug cannot hide in both.

export { startSimulator } from './server.js';
export type { RunningSimulator, SimulatorOptions } from './server.js';
export { loadScenarioFile, parseScenario } from './scenario-file.js';
export type { ScenarioResult } from './scenario-file.js';
export { demoScenario } from './demo.js';
export { jobDegreeAt, timelinePosition } from './timeline.js';
export type { JobDegree } from './timeline.js';
export { JOB_STATUSES } from './scenario.js';
export type {
  Fault,
  FaultKind,
  JobStatus,
  Outcome,
  Scenario,
  ScenarioCredential,
  ScenarioOrder,
  Stage,
} from './scenario.js';
