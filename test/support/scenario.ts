export { scenarioFromYaml } from 'dms-simulator';

/** The access key the test scenarios accept (and the test configs use). */
export const TEST_KEY = { accessKeyId: 'LTAItestKeyId0001', accessKeySecret: 'test-secret-Zq9pX2vK7' };

export interface ScenarioKey {
  readonly id: string;
  readonly secret: string;
  readonly token?: string;
}

/**
 * Scenario YAML accepting `keys` (TEST_KEY by default), with `orders` as written (each a YAML
 * list item such as `  - { id: 1, list: 1h }`) and any `extra` top-level keys before them.
 */
export function scenarioYaml(
  orders: string | readonly string[],
  options: { readonly keys?: readonly ScenarioKey[]; readonly extra?: string } = {},
): string {
  const keys = options.keys ?? [{ id: TEST_KEY.accessKeyId, secret: TEST_KEY.accessKeySecret }];
  const credentials = keys.map(
    (k) =>
      `  - { access_key_id: ${k.id}, access_key_secret: ${k.secret}${k.token ? `, security_token: ${k.token}` : ''} }`,
  );
  const list = typeof orders === 'string' ? orders.replace(/\n$/, '') : orders.join('\n');
  return `credentials:\n${credentials.join('\n')}\n${options.extra ?? ''}orders:\n${list}\n`;
}
