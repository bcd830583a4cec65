/**
 * DMS calls through a real forward proxy (tinyproxy): the built exporter as a process of its own
 * reading HTTP_PROXY from its environment, the proxy set by the environment or by a profile, and what
 * a user sees: the proxy's log, the metrics text and the exporter's log lines. The simulator runs in
 * this process (the exporter reaches it over loopback HTTP, through the proxies, all the same).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { serveExporter, type Serving } from '../support/process.js';
import { freePort } from '../support/services.js';
import { TEST_KEY, sampleValue, scenarioFromYaml, scenarioYaml, startExporter } from '../support/stack.js';
import { startSilentProxy, startTinyproxy, type RunningProxy } from '../support/tinyproxy.js';

const PROXY_USER = 'exporter';
const PROXY_PASSWORD = 'proxy-pw-Zq81vX';
const WRONG_PASSWORD = 'wrong-pw-Hy27cM';

const stops: Array<() => Promise<unknown>> = [];
let dir = '';
let simulator: RunningSimulator;
let open: RunningProxy; // set as HTTP_PROXY
let explicit: RunningProxy; // named by a profile
let guarded: RunningProxy; // asks for credentials
let silent: { url: string };
let deadUrl = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dms-proxy-'));
  const scenario = scenarioYaml([1, 2, 3, 4, 5, 6, 7, 8].map((id) => `  - { id: ${id}, list: 1h }`));
  simulator = await startSimulator({ scenario: scenarioFromYaml(scenario) });
  stops.push(() => simulator.close());
  [open, explicit, guarded] = await Promise.all([
    startTinyproxy(),
    startTinyproxy(),
    startTinyproxy({ user: PROXY_USER, password: PROXY_PASSWORD }),
  ]);
  for (const proxy of [open, explicit, guarded]) stops.push(() => proxy.stop());
  const silentProxy = await startSilentProxy();
  silent = silentProxy;
  stops.push(() => silentProxy.stop());
  deadUrl = `http://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

const simulatorEndpoint = (): string => simulator.endpoint;

function profile(name: string, extra: string): string {
  const { accessKeyId, accessKeySecret } = TEST_KEY;
  return `  ${name}: { endpoint: '${simulatorEndpoint()}', protocol: http, access_key_id: ${accessKeyId}, access_key_secret: ${accessKeySecret}${extra} }`;
}

function configText(profiles: string[], orders: Array<[number, string]>): string {
  return `profiles:
${profiles.join('\n')}
scrape: { timeout: 3s, min_interval: 0s }
orders:
${orders.map(([id, p]) => `  - { id: ${id}, profile: ${p} }`).join('\n')}
`;
}

async function exporterWith(
  profiles: string[],
  orders: Array<[number, string]>,
  env: Record<string, string>,
): Promise<Serving> {
  const config = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(config, configText(profiles, orders));
  const exporter = await serveExporter([`--config.file=${config}`], env);
  stops.push(() => exporter.stop());
  return exporter;
}

const tunnelsTo = async (proxy: RunningProxy): Promise<number> =>
  (await proxy.tunnels()).filter((target) => target === simulatorEndpoint()).length;

describe('DMS calls through a proxy', () => {
  let metrics = '';
  let exporter: Serving;
  const before = { open: 0, explicit: 0, guarded: 0 };

  beforeAll(async () => {
    const passwordFile = join(dir, 'proxy-password');
    await writeFile(passwordFile, `${PROXY_PASSWORD}\n`);
    const guardedHost = guarded.url.replace('http://', '');
    exporter = await exporterWith(
      [
        profile('from_env', ''),
        profile('explicit', `, proxy: '${explicit.url}'`),
        profile('dead', `, proxy: '${deadUrl}'`),
        profile('no_credentials', `, proxy: '${guarded.url}'`),
        profile('wrong_password', `, proxy: 'http://${PROXY_USER}:${WRONG_PASSWORD}@${guardedHost}'`),
        profile(
          'password_file',
          `, proxy: 'http://${PROXY_USER}@${guardedHost}', proxy_password_file: '${passwordFile}'`,
        ),
        profile('silent', `, proxy: '${silent.url}'`),
        profile('bypass', `, no_proxy: '127.0.0.1'`),
      ],
      [
        [1, 'from_env'],
        [2, 'explicit'],
        [3, 'dead'],
        [4, 'no_credentials'],
        [5, 'wrong_password'],
        [6, 'password_file'],
        [7, 'silent'],
        [8, 'bypass'],
      ],
      // The environment's proxy for every profile that names none; explicit settings win over it.
      { HTTP_PROXY: open.url },
    );
    Object.assign(before, {
      open: await tunnelsTo(open),
      explicit: await tunnelsTo(explicit),
      guarded: await tunnelsTo(guarded),
    });
    metrics = await (await fetch(`${exporter.url}/metrics`)).text();
  }, 30_000);

  const up = (id: number): number | undefined =>
    sampleValue(metrics, `aliyun_dms_datatrack_up{order_id="${id}"}`);
  const errorCode = (id: number): string | undefined =>
    new RegExp(`^aliyun_dms_datatrack_order_error_info\\{order_id="${id}",code="([^"]+)"\\} 1$`, 'm').exec(
      metrics,
    )?.[1];

  it("goes through HTTP_PROXY: the proxy's log shows the tunnel", async () => {
    expect(up(1)).toBe(1);
    // Order 1 only: the profiles that name their own proxy, or bypass it, do not use this one.
    expect((await tunnelsTo(open)) - before.open).toBe(1);
  });

  it("goes through a profile's own proxy rather than the environment's", async () => {
    expect(up(2)).toBe(1);
    expect((await tunnelsTo(explicit)) - before.explicit).toBe(1);
  });

  it("connects directly to a host in the profile's no_proxy", () => {
    expect(up(8)).toBe(1);
  });

  it('reads the password from proxy_password_file', () => {
    expect(up(6)).toBe(1);
  });

  it.each([
    [3, 'a proxy nothing listens on', 'proxy_refused'],
    [4, 'a proxy that wants credentials and got none', 'proxy_auth'],
    [5, 'a proxy given a wrong password', 'proxy_auth'],
    [7, 'a proxy that never answers the CONNECT', 'proxy_timeout'],
  ])('order %i, behind %s, is up 0 with code %s', (id, _what, code) => {
    expect(up(id)).toBe(0);
    expect(errorCode(id)).toBe(code);
  });

  it('says which proxy each profile uses, without its credentials', () => {
    const lines = exporter.lines().filter((line) => line.includes('DMS calls go through a proxy'));
    const said = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(said.find((l) => l.profile === 'password_file')).toMatchObject({
      proxy: guarded.url,
      source: 'profile',
    });
    expect(said.find((l) => l.profile === 'from_env')).toMatchObject({
      proxy: open.url,
      source: 'HTTP_PROXY',
    });
    expect(said.find((l) => l.profile === 'bypass')).toBeUndefined();
  });

  it('never shows a proxy password in metrics or log lines', () => {
    for (const text of [metrics, exporter.output()]) {
      expect(text).not.toContain(PROXY_PASSWORD);
      expect(text).not.toContain(WRONG_PASSWORD);
    }
    expect(exporter.output()).toContain('"code":"proxy_auth"'); // the failures were logged
  });
});

describe('NO_PROXY', () => {
  it('lets calls to the listed hosts bypass HTTP_PROXY: the proxy logs nothing', async () => {
    // In this process, handed the variables as main.ts hands its environment (the process above
    // shows that it does): one more exporter process would add only its start-up.
    const exporter = await startExporter({
      configText: configText([profile('default', '')], [[1, 'default']]),
      proxyEnv: { HTTP_PROXY: open.url, NO_PROXY: 'localhost,127.0.0.1' },
    });
    stops.push(() => exporter.close());
    const before = await tunnelsTo(open);
    const metrics = (await exporter.scrape()).text;
    expect(sampleValue(metrics, 'aliyun_dms_datatrack_up{order_id="1"}')).toBe(1);
    expect(await tunnelsTo(open)).toBe(before);
  }, 30_000);
});
