/**
 * Writes grafana/dms-data-tracking.json from the TypeScript definition in grafana/src/.
 * Run `npx tsx grafana/dashboard.ts` (or `npm run dashboard`); `--stdout` prints instead.
 * test/monitoring fails when the committed file differs from what this produces.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDashboardJson } from './src/dashboard.js';

export const DASHBOARD_PATH = fileURLToPath(new URL('dms-data-tracking.json', import.meta.url));

const json = renderDashboardJson();
if (process.argv.includes('--stdout')) {
  process.stdout.write(json);
} else {
  writeFileSync(DASHBOARD_PATH, json);
  process.stdout.write(`wrote ${DASHBOARD_PATH}\n`);
}
