import { describe, expect, it } from 'vitest';
import { diagnose, type CallContext } from '../../src/check/diagnose.js';

// The failures the simulator cannot produce (a proxy, an STS token, the default chain finding
// nothing, DMS itself failing), each with its exact text and fix. The simulator's own cases are in
// check.test.ts.

const CALL: CallContext = {
  profile: 'prod',
  action: 'ListOrders',
  endpoint: 'dms-enterprise.aliyuncs.com',
  timeoutMs: 10_000,
  status: undefined,
  defaultChain: false,
};

const error = (code: string, message = '') => ({ code, message, requestId: undefined });

describe('diagnose', () => {
  it.each([
    [
      error('timeout'),
      {},
      'endpoint',
      'no answer within 10000 ms',
      'check that dms-enterprise.aliyuncs.com is reachable from here (firewall, or a proxy: HTTPS_PROXY or profiles.prod.proxy), or raise scrape.timeout',
    ],
    [
      error('proxy_auth', 'the proxy refused the credentials (407)'),
      {},
      'endpoint',
      'the proxy failed: the proxy refused the credentials (407)',
      "check the proxy's user and password (profiles.prod.proxy with proxy_password_file, or HTTPS_PROXY)",
    ],
    [
      error('malformed_response'),
      { status: 200 },
      'endpoint',
      'answered, but not as DMS Enterprise does (malformed_response)',
      'check profiles.prod.endpoint: it must be a DMS Enterprise API host such as dms-enterprise.aliyuncs.com, and profiles.prod.protocol https',
    ],
    [
      error('InvalidSecurityToken.Expired'),
      { status: 400 },
      'credentials',
      'rejected: the STS token does not go with the AccessKey, or has expired (InvalidSecurityToken.Expired)',
      'give the token issued with this AccessKey id, still valid (profiles.prod.security_token or security_token_file)',
    ],
    [
      error('InvalidCredentials', 'no credential provider in the chain answered'),
      { defaultChain: true },
      'credentials',
      'none found: no credential provider in the chain answered',
      'set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, attach a RAM role, or set profiles.prod.access_key_id and access_key_secret_file',
    ],
    [
      error('ServiceUnavailable'),
      { status: 503 },
      'action',
      'DMS failed (ServiceUnavailable), on the retry too',
      "a problem on DMS's side: run the check again later",
    ],
    [
      error('NoPermission', 'DMS answered Success=false: the user has no permission'),
      { status: 200 },
      'action',
      'denied (NoPermission)',
      'allow it in a RAM policy of the AccessKey\'s user or role: "Action": "dms:ListOrders"',
    ],
    [
      error('InvalidTid', 'DMS answered Success=false: tenant 4000 not found'),
      { status: 200, tid: 4000 },
      'action',
      'refused by DMS (InvalidTid): tenant 4000 not found',
      'check profiles.prod.tid: it must name a tenant this account belongs to (DMS console, the tenant menu)',
    ],
  ] as const)('%o', (dmsError, context, blame, text, fix) => {
    expect(diagnose(dmsError, { ...CALL, ...context })).toEqual({ blame, text, fix });
  });
});
