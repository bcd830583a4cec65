/**
 * Every PromQL expression of a Grafana dashboard JSON, and Grafana's variable substitution, so
 * tests can parse them (test/monitoring) or evaluate them against a live Prometheus (end-to-end).
 */

export interface DashboardQuery {
  /** Where it comes from, for messages: `panel "Title" (A)` or `variable order_id`. */
  readonly source: string;
  /** PromQL, still holding Grafana variables. For a label_values() variable: its series selector. */
  readonly expr: string;
  /** Panel queries Grafana runs as instant queries; variables are resolved from the selector's series. */
  readonly instant: boolean;
}

/** Values for Grafana's built-in variables when a query is evaluated outside Grafana. */
export const BUILTIN_VARIABLE_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '4m',
  __interval: '1m',
  __interval_ms: '60000',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
};

/**
 * Queries of grafana/dms-data-tracking.json that rightly return nothing while every order is read
 * and DMS raises no errors (an end-to-end check should not demand data from them then).
 */
export const QUERIES_EMPTY_WHEN_HEALTHY: ReadonlySet<string> = new Set([
  'panel "Orders per state" (B)', // count of up == 0
  'panel "Why orders have no answer" (A)', // order_error_info exists only with up == 0
  'panel "DMS API calls and errors" (B)', // the error counter has no series before the first error
  'panel "Answers reused" (A)', // no series before the first reuse
  'panel "Waiting for approval" (A)', // no discovered ticket waiting for approval
  'panel "Discovery errors" (A)', // the counter has no series before a discovery run fails
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objects(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** Panels in layout order, including those inside collapsed rows. */
function allPanels(dashboard: Json): Json[] {
  return objects(dashboard.panels).flatMap((panel) => [panel, ...objects(panel.panels)]);
}

/** The PromQL a query variable asks for: label_values(selector, label) -> selector; query_result(e) -> e. */
function variableExpr(name: string, query: unknown): string | undefined {
  const text = isObject(query) ? query.query : query;
  if (typeof text !== 'string') throw new Error(`variable ${name}: query is not a string`);
  const labelValues = /^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/s.exec(text.trim());
  if (labelValues) return labelValues[1];
  if (/^label_values\(\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)$/.test(text.trim())) return undefined; // no PromQL
  const queryResult = /^query_result\((.+)\)$/s.exec(text.trim());
  if (queryResult) return queryResult[1];
  throw new Error(`variable ${name}: unsupported query ${JSON.stringify(text)}`);
}

/** Every panel target expression and every query variable's PromQL, in dashboard order. */
export function listDashboardQueries(dashboard: unknown): DashboardQuery[] {
  if (!isObject(dashboard)) throw new Error('dashboard is not a JSON object');
  const queries: DashboardQuery[] = [];
  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  for (const variable of objects(templating.list)) {
    if (variable.type !== 'query') continue;
    const name = String(variable.name);
    const expr = variableExpr(name, variable.query);
    if (expr !== undefined) queries.push({ source: `variable ${name}`, expr, instant: true });
  }
  for (const panel of allPanels(dashboard)) {
    for (const target of objects(panel.targets)) {
      if (typeof target.expr !== 'string') continue;
      const source = `panel ${JSON.stringify(panel.title)} (${String(target.refId)})`;
      queries.push({ source, expr: target.expr, instant: target.instant === true });
    }
  }
  return queries;
}

/** Names of the dashboard's own variables (`datasource`, `job`...). */
export function dashboardVariableNames(dashboard: unknown): string[] {
  if (!isObject(dashboard) || !isObject(dashboard.templating)) return [];
  return objects(dashboard.templating.list).map((variable) => String(variable.name));
}

/** `$name`, `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]` */
const VARIABLE = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/**
 * Replaces Grafana variables the way Grafana would for one selection: `values` for dashboard
 * variables (e.g. `{ job: 'dms-datatrack', instance: '.*', order_id: '.*' }`), and
 * BUILTIN_VARIABLE_VALUES (overridable through `values`) for `$__rate_interval` and friends.
 * An unknown variable throws: Grafana would send it to Prometheus verbatim.
 */
export function substituteGrafanaVariables(expr: string, values: Readonly<Record<string, string>>): string {
  const known: Readonly<Record<string, string>> = { ...BUILTIN_VARIABLE_VALUES, ...values };
  return expr.replace(VARIABLE, (match, braced?: string, bare?: string, bracketed?: string) => {
    const name = braced ?? bare ?? bracketed ?? '';
    const value = known[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${match} in ${JSON.stringify(expr)}`);
    return value;
  });
}
