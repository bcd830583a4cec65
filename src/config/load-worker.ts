// The worker thread of loadConfigFile (load.ts): reads, checks and types one config file, and posts
// the result with its Secrets packed for the journey (transfer.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ok } from 'yaml-files/basics';
import type { Env } from './env.js';
import type { LoadLimits } from './limits.js';
import { readConfigFile } from './parse.js';
import { packSecrets } from './transfer.js';

const { path, env, limits } = workerData as { path: string; env: Env; limits: LoadLimits };
const loaded = await readConfigFile(path, env, limits);
parentPort?.postMessage(loaded.ok ? ok(packSecrets(loaded.value)) : loaded);
