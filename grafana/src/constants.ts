/**
 * Names shared by the dashboard generator, the alert rules' runbook links and the monitoring tests.
 * Change the repository URL here (and run `npm run dashboard`); alerts.yml spells the same base,
 * which test/monitoring checks.
 */
export const DASHBOARD_UID = 'dms-datatrack';
export const DASHBOARD_TITLE = 'DMS data tracking';

/** Where the README (with its alert runbooks) is published; runbook anchors are appended as `#<alertname in lowercase>`. */
export const MONITORING_DOC_URL = 'https://github.com/example/dms-datatrack-exporter/blob/main/README.md';

/** The scrape job name the alert rules and docs assume; the dashboard preselects it. */
export const SCRAPE_JOB = 'dms-datatrack';

/** Every panel and variable query goes through the `datasource` variable: no hard-coded uid. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
