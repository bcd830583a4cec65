// The warm floor: a server that answers /metrics with bytes rendered in advance (the exporter's own
// warm body, captured by the harness). What it costs to write the response and nothing else.
import { readFileSync } from 'node:fs';
import { requiredFlag, serveMetrics } from './metrics-server.js';

const body = readFileSync(requiredFlag('body'));
await serveMetrics(() => Promise.resolve(body));
