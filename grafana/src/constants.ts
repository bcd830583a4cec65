/** Names shared by the dashboard generator and the monitoring tests. */
export const DASHBOARD_UID = 'dms-datatrack';
export const DASHBOARD_TITLE = 'DMS data tracking';

/** The scrape job name the alert rules and docs assume; the dashboard preselects it. */
export const SCRAPE_JOB = 'dms-datatrack';

/** Every panel and variable query goes through the `datasource` variable: no hard-coded uid. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
