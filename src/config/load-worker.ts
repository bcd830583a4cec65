// The worker thread of loadConfigFile (load.ts): reads and checks one config file, posts the result.
import { parentPort, workerData } from 'node:worker_threads';
import type { Env } from './env.js';
import { checkConfigFile } from './load.js';
import type { LoadLimits } from './limits.js';

const { path, env, limits } = workerData as { path: string; env: Env; limits: LoadLimits };
parentPort?.postMessage(await checkConfigFile(path, env, limits));
