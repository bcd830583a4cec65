// A link from an order to its ticket in the DMS console. DMS's API does not say where its console
// is (it depends on the account's site, region and single sign-on), so the exporter never guesses:
// an operator who wants the link writes its template per profile (profiles.<name>.console_url).

/** The one placeholder a template may use: where the ticket (order) id goes. */
export const ORDER_ID_PLACEHOLDER = '{order_id}';
const PLACEHOLDER = /\{[^{}]*\}/g;

/** What is wrong with a console URL template (schema.ts checks it): only known placeholders, http(s) only. */
export function templateProblems(template: string): string[] {
  const problems = [...new Set(template.match(PLACEHOLDER) ?? [])]
    .filter((placeholder) => placeholder !== ORDER_ID_PLACEHOLDER)
    .map((placeholder) => `unknown placeholder ${placeholder} (the only one is ${ORDER_ID_PLACEHOLDER})`);
  if (!template.includes(ORDER_ID_PLACEHOLDER))
    problems.push(`must contain ${ORDER_ID_PLACEHOLDER}, where the ticket id goes`);
  if (!isWebUrl(withOrderId(template, 1))) {
    const shown = template.length > 60 ? `${template.slice(0, 57)}...` : template;
    problems.push(`must be an http:// or https:// URL, got "${shown}"`);
  }
  return problems;
}

function isWebUrl(candidate: string): boolean {
  try {
    const { protocol, host } = new URL(candidate);
    return (protocol === 'http:' || protocol === 'https:') && host !== '';
  } catch {
    return false;
  }
}

/** The ticket's link: the profile's template with the order id in it; undefined without a template. */
export function consoleUrlOf(template: string | undefined, orderId: number): string | undefined {
  return template === undefined ? undefined : withOrderId(template, orderId);
}

function withOrderId(template: string, orderId: number): string {
  return template.replaceAll(ORDER_ID_PLACEHOLDER, String(orderId));
}
