import { createServer } from 'node:net';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDms } from '../../src/check/check.js';
import { renderReport } from '../../src/check/render.js';
import { checkPassed } from '../../src/check/report.js';
import { configFromText } from '../../src/config/parse.js';
import { createLogger } from '../../src/logging.js';
import { CHECK_SCENARIO, expectGoldenReport, normalisedReport } from '../support/check.js';
import { scenarioFromYaml } from '../support/scenario.js';

// --dms.check against the simulator over HTTP, one case per failure the simulator can produce, each
// report compared with a golden file in test/fixtures/check/ (UPDATE_GOLDEN=1 writes them), with only
// latencies and ports normalised (normalisedReport in test/support/check.ts).

const GOOD_KEY = 'access_key_id: LTAItestKeyId0001\naccess_key_secret: test-secret-Zq9pX2vK7';
const DISCOVERY = 'discovery: { enabled: true }';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ scenario: scenarioFromYaml(CHECK_SCENARIO) });
});
afterAll(() => simulator.close());

/** The check of `configText` (where ${SIM} is the endpoint) against `endpoint`, rendered. */
async function check(
  configText: string,
  endpoint = simulator.endpoint,
  env: Record<string, string> = {},
): Promise<{ text: string; passed: boolean }> {
  const config = configFromText(configText, 'config.yaml', { SIM: endpoint });
  if (!config.ok) throw new Error(config.error.join('\n'));
  const report = await checkDms(config.value, {
    build: { version: 'test', revision: 'test' },
    logger: createLogger('silent', 'json'),
    env,
  });
  return { text: renderReport(report), passed: checkPassed(report) };
}

function profile(name: string, lines: string): string {
  return `  ${name}:\n    endpoint: '\${SIM}'\n    protocol: http\n    ${lines.replace(/\n/g, '\n    ')}\n`;
}

describe('--dms.check against the simulator', () => {
  it('passes when every call the configuration needs works, and says what it saw', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', `${GOOD_KEY}\ntid: 3000\n${DISCOVERY}`)}orders:\n  - { id: 1001 }\n`,
    );
    await expectGoldenReport('healthy', normalisedReport(text));
    expect(passed).toBe(true);
  });

  it('names the secret as the fix when the signature does not match, and checks the other profile', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('prod', 'access_key_id: LTAItestKeyId0001\naccess_key_secret: not-the-secret')}${profile('backup', `${GOOD_KEY}\n${DISCOVERY}`)}orders:\n  - { id: 1001, profile: prod }\n`,
    );
    await expectGoldenReport('wrong-secret', normalisedReport(text));
    expect(passed).toBe(false);
  });

  it('names the AccessKey id when the gateway does not know the key', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', 'access_key_id: LTAIunknownKey9999\naccess_key_secret: whatever-secret')}orders:\n  - { id: 1001 }\n`,
    );
    await expectGoldenReport('unknown-key', normalisedReport(text));
    expect(passed).toBe(false);
  });

  it('gives the RAM policy line for a denied action, and reports the allowed ones', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', `access_key_id: LTAIdeniedKey0002\naccess_key_secret: denied-secret-0002\ntid: 3000\n${DISCOVERY}`)}orders:\n  - { id: 1001 }\n`,
    );
    await expectGoldenReport('forbidden', normalisedReport(text));
    expect(passed).toBe(false);
  });

  it('says the account is throttled after the one retry the exporter makes', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', GOOD_KEY)}orders:\n  - { id: 1002 }\n`,
    );
    await expectGoldenReport('throttled', normalisedReport(text));
    expect(passed).toBe(false);
    expect(simulator.callCount({ orderId: 1002 })).toBe(2);
  });

  it('says the endpoint is unreachable and asks nothing more', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', `${GOOD_KEY}\n${DISCOVERY}`)}orders:\n  - { id: 1001 }\n`,
      `127.0.0.1:${await closedPort()}`,
    );
    await expectGoldenReport('unreachable', normalisedReport(text));
    expect(passed).toBe(false);
  });

  it('names the proxy from the environment when it cannot be reached', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', GOOD_KEY)}orders:\n  - { id: 1001 }\n`,
      simulator.endpoint,
      { HTTP_PROXY: `http://127.0.0.1:${await closedPort()}` },
    );
    await expectGoldenReport('proxy-unreachable', normalisedReport(text));
    expect(passed).toBe(false);
  });

  it('names the wrong tenant when DMS does not know the order in the tid given, and sees no ticket there', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', `${GOOD_KEY}\ntid: 4000\n${DISCOVERY}`)}orders:\n  - { id: 1001 }\n`,
    );
    await expectGoldenReport('wrong-tid', normalisedReport(text));
    expect(passed).toBe(false);
  });

  it('tells a profile no order and no discovery use apart from a failure', async () => {
    const { text, passed } = await check(
      `profiles:\n${profile('default', GOOD_KEY)}${profile('spare', GOOD_KEY)}orders:\n  - { id: 1001 }\n`,
    );
    expect(normalisedReport(text)).toContain(
      'profile spare: http://127.0.0.1:PORT, direct\n  note  profile                no order and no discovery use this profile: nothing to call\n',
    );
    expect(passed).toBe(true);
  });
});

describe('--dms.check against gateways whose clocks are ahead of ours', () => {
  /** A simulator whose clock (its timestamp check and its Date header) runs `minutes` ahead. */
  async function aheadBy(minutes: number, run: (endpoint: string) => Promise<void>): Promise<void> {
    const skewed = await startSimulator({
      scenario: scenarioFromYaml(CHECK_SCENARIO),
      now: () => Date.now() + minutes * 60_000,
    });
    try {
      await run(skewed.endpoint);
    } finally {
      await skewed.close();
    }
  }

  it('passes 5 minutes off, with a note saying how far apart the clocks are', () =>
    aheadBy(5, async (endpoint) => {
      const { text, passed } = await check(
        `profiles:\n${profile('default', GOOD_KEY)}orders:\n  - { id: 1001 }\n`,
        endpoint,
      );
      expect(text).toContain(
        "\n  note  clock                  the gateway's clock is 5 min ahead of ours (DMS refuses 15 min)\n",
      );
      expect(passed).toBe(true);
    }));

  it("fails 20 minutes off, comparing the gateway's Date with our clock, and names NTP as the fix", () =>
    aheadBy(20, async (endpoint) => {
      const { text, passed } = await check(
        `profiles:\n${profile('default', `${GOOD_KEY}\n${DISCOVERY}`)}orders:\n  - { id: 1001 }\n`,
        endpoint,
      );
      await expectGoldenReport('clock-skew', normalisedReport(text));
      expect(passed).toBe(false);
    }));
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
