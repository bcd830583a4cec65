import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { Secret } from '../../src/config/secret.js';
import type { Credentials, Profile, SignatureAlgorithm } from '../../src/config/schema.js';
import { createAlibabaDmsClient } from '../../src/dms/alibaba-client.js';
import type { DmsResult } from '../../src/dms/types.js';
import { freePort } from '../support/services.js';
import { TEST_KEY, scenarioFromYaml, scenarioYaml } from '../support/scenario.js';

const STS = {
  accessKeyId: 'STS.testKeyId0002',
  accessKeySecret: 'sts-secret-9Hq2',
  token: 'sts-token-Kd83nQ',
};

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({
    elapsedMs: () => 30_000,
    scenario: scenarioFromYaml(
      scenarioYaml(
        [
          '  - { id: 42, tid: 3000, list: 20s, pause: 0s, download: 20s, filter: 20s }',
          // Answers in 10 minutes: a test that waited for it would time out.
          '  - { id: 43, list: 20s, download: 20s, filter: 20s, fault: { kind: slow, delay: 10m } }',
        ],
        {
          keys: [
            { id: TEST_KEY.accessKeyId, secret: TEST_KEY.accessKeySecret },
            { id: STS.accessKeyId, secret: STS.accessKeySecret, token: STS.token },
          ],
        },
      ),
    ),
  });
});
afterAll(() => simulator.close());

function accessKey(id: string, secret: string, token?: string): Credentials {
  return {
    kind: 'access_key',
    accessKeyId: id,
    accessKeySecret: { kind: 'literal', secret: new Secret(secret) },
    securityToken: token ? { kind: 'literal', secret: new Secret(token) } : undefined,
  };
}

function profile(
  credentials: Credentials,
  signatureAlgorithm: SignatureAlgorithm = 'ACS3-HMAC-SHA256',
  endpoint?: string,
): Profile {
  return {
    name: 'p',
    endpoint: endpoint ?? simulator.endpoint,
    protocol: 'http',
    tid: undefined,
    signatureAlgorithm,
    credentials,
    rateLimit: undefined,
    proxy: { url: undefined, noProxy: undefined, passwordFile: undefined },
    discovery: undefined,
    consoleUrl: undefined,
  };
}

function call(
  p: Profile,
  orderId = 42,
  tid: number | undefined = 3000,
  signal = new AbortController().signal,
  timeoutMs = 5_000,
): Promise<DmsResult> {
  return createAlibabaDmsClient(p, { userAgent: 'test' }).getJobDegree(
    { orderId, tid },
    { signal, timeoutMs },
  );
}

describe('createAlibabaDmsClient against the simulator over HTTP', () => {
  it.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)('reads a job with %s signing', async (algorithm) => {
    const result = await call(profile(accessKey(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret), algorithm));
    expect(result).toMatchObject({
      ok: true,
      value: { status: 'DOWNLOADING', listRatio: 1, downloadRatio: 0.5, filterRatio: 0 },
    });
  });

  it.each(['ACS3-HMAC-SHA256', 'HMAC-SHA1'] as const)('signs STS tokens with %s', async (algorithm) => {
    const result = await call(profile(accessKey(STS.accessKeyId, STS.accessKeySecret, STS.token), algorithm));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['a wrong secret', accessKey(TEST_KEY.accessKeyId, 'wrong-secret'), 'SignatureDoesNotMatch'],
    [
      'an unknown key id',
      accessKey('LTAIunknownKey', TEST_KEY.accessKeySecret),
      'InvalidAccessKeyId.NotFound',
    ],
    [
      'a wrong STS token',
      accessKey(STS.accessKeyId, STS.accessKeySecret, 'not-the-token'),
      'InvalidSecurityToken.MismatchWithAccessKey',
    ],
  ])(
    'turns %s into its gateway code, with a request id and no secret in the message',
    async (_what, credentials, code) => {
      const result = await call(profile(credentials));
      expect(result).toMatchObject({ ok: false, error: { code } });
      if (result.ok) return;
      expect(result.error.requestId).toMatch(/\S+/);
      expect(result.error.message).not.toContain('wrong-secret');
      expect(result.error.message).not.toContain('not-the-token');
    },
  );

  it('asks with the right tenant: a Tid the order does not belong to is a DMS business error', async () => {
    const result = await call(profile(accessKey(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret)), 42, 9999);
    expect(result).toMatchObject({ ok: false, error: { code: 'UnknownError' } });
  });

  // The read timeout (10 minutes, as long as the slow answer) cannot end the call within the test's
  // 3 s: only the abort can.
  it(
    'answers timeout as soon as the signal aborts, without waiting for a slow DMS',
    { timeout: 3_000 },
    async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const result = await call(
        profile(accessKey(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret)),
        43,
        undefined,
        controller.signal,
        600_000,
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
    },
  );

  it("answers timeout when the call's own timeout ends it before DMS answers", async () => {
    const result = await call(
      profile(accessKey(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret)),
      43,
      undefined,
      undefined,
      300,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('reports a refused connection as network', async () => {
    const closedPort = await freePort();
    const result = await call(
      profile(
        accessKey(TEST_KEY.accessKeyId, TEST_KEY.accessKeySecret),
        'ACS3-HMAC-SHA256',
        `127.0.0.1:${closedPort}`,
      ),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'network' } });
  });
});

describe('the Alibaba default credential chain (profile without a key)', () => {
  const CHAIN_VARS = [
    'ALIBABA_CLOUD_ACCESS_KEY_ID',
    'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    'ALIBABA_CLOUD_CREDENTIALS_FILE',
    'ALIBABA_CLOUD_CREDENTIALS_URI',
    'ALIBABA_CLOUD_ECS_METADATA_DISABLED',
    'ALIBABA_CLOUD_CLI_PROFILE_DISABLED',
  ];
  const saved = Object.fromEntries(CHAIN_VARS.map((name) => [name, process.env[name]]));
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chain-'));
    // Every provider fails locally: no metadata service, no CLI profile, a missing credentials
    // file, and a credentials URI on a closed loopback port.
    Object.assign(process.env, {
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
      ALIBABA_CLOUD_CREDENTIALS_FILE: join(dir, 'missing'),
      ALIBABA_CLOUD_CREDENTIALS_URI: `http://127.0.0.1:${await freePort()}/`,
    });
    delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('finds no credentials (InvalidCredentials), then recovers once they appear', async () => {
    const client = createAlibabaDmsClient(profile({ kind: 'default_chain' }), { userAgent: 'test' });
    const ask = () =>
      client.getJobDegree(
        { orderId: 42, tid: 3000 },
        { signal: new AbortController().signal, timeoutMs: 5_000 },
      );
    expect(await ask()).toMatchObject({ ok: false, error: { code: 'InvalidCredentials' } });
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = TEST_KEY.accessKeyId;
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = TEST_KEY.accessKeySecret;
    try {
      expect((await ask()).ok).toBe(true);
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    }
  });

  it('answers concurrent first calls from a credentials file', async () => {
    const file = join(dir, 'credentials');
    await writeFile(
      file,
      `[default]\ntype = access_key\naccess_key_id = ${TEST_KEY.accessKeyId}\naccess_key_secret = ${TEST_KEY.accessKeySecret}\n`,
    );
    process.env.ALIBABA_CLOUD_CREDENTIALS_FILE = file;
    const client = createAlibabaDmsClient(profile({ kind: 'default_chain' }), { userAgent: 'test' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        client.getJobDegree(
          { orderId: 42, tid: 3000 },
          { signal: new AbortController().signal, timeoutMs: 5_000 },
        ),
      ),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
  });
});
