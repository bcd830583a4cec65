import type { DmsError } from '../dms/types.js';

// What a failed DMS call means to someone setting the exporter up, and the one thing to change.
// Pure: the error value, and where it came from, to a sentence and a fix.

/**
 * Which part of the way to DMS a failure blames. `endpoint`, `credentials` and `clock` fail every
 * call of the profile alike, so the check asks nothing more once one of them failed; `action` is
 * this call's alone (a permission, a ticket, a throttled minute).
 */
export type Blame = 'endpoint' | 'credentials' | 'clock' | 'action';

export interface Diagnosis {
  readonly blame: Blame;
  /** What happened, after the action's name: `denied (Forbidden.RAM)`. */
  readonly text: string;
  /** The one change that makes it work. */
  readonly fix: string;
}

/** What the diagnosis may name: the profile's keys, the call, and what it asked about. */
export interface CallContext {
  readonly profile: string;
  readonly action: string;
  readonly endpoint: string;
  readonly timeoutMs: number;
  /** The HTTP status of the last try; 200 with an error is DMS's own refusal (`Success: false`). */
  readonly status: number | undefined;
  /** Credentials from the default chain (no access_key_id in the profile). */
  readonly defaultChain: boolean;
  /** The ticket asked about, and its tenant, for the actions on one order. */
  readonly orderId?: number | undefined;
  readonly tid?: number | undefined;
}

export function diagnose(error: DmsError, call: CallContext): Diagnosis {
  const { code } = error;
  const key = `profiles.${call.profile}`;
  if (code === 'network')
    return endpoint(
      `unreachable: ${error.message}`,
      `check ${key}.endpoint ("${call.endpoint}"; regional ones look like dms-enterprise.cn-hangzhou.aliyuncs.com) and that this machine may reach it (DNS, firewall, or a proxy: HTTPS_PROXY or ${key}.proxy)`,
    );
  if (code === 'timeout')
    return endpoint(
      `no answer within ${call.timeoutMs} ms`,
      `check that ${call.endpoint} is reachable from here (firewall, or a proxy: HTTPS_PROXY or ${key}.proxy), or raise scrape.timeout`,
    );
  if (code.startsWith('proxy_')) return endpoint(`the proxy failed: ${error.message}`, proxyFix(code, key));
  if (code === 'malformed_response' || code.startsWith('InvalidApi') || code === 'InvalidVersion')
    return endpoint(
      `answered, but not as DMS Enterprise does (${code})`,
      `check ${key}.endpoint: it must be a DMS Enterprise API host such as dms-enterprise.aliyuncs.com, and ${key}.protocol https`,
    );
  return credentialsProblem(error, call) ?? clockProblem(code) ?? actionProblem(error, call);
}

/** What a failure blames: the code alone decides it (the context changes only the words). */
export function blameOf(error: DmsError): Blame {
  return diagnose(error, WORDS_ONLY).blame;
}

const WORDS_ONLY: CallContext = {
  profile: '',
  action: '',
  endpoint: '',
  timeoutMs: 0,
  status: undefined,
  defaultChain: false,
};

function credentialsProblem(error: DmsError, call: CallContext): Diagnosis | undefined {
  const { code } = error;
  const key = `profiles.${call.profile}`;
  if (code === 'SignatureDoesNotMatch' || code === 'IncompleteSignature')
    return credentials(
      `rejected: the signature does not match (${code})`,
      call.defaultChain
        ? 'the AccessKey secret is not the one of its AccessKey id: correct ALIBABA_CLOUD_ACCESS_KEY_SECRET (or whatever the default chain read)'
        : `the AccessKey secret is not the one of ${key}.access_key_id: correct ${key}.access_key_secret (or the file of access_key_secret_file)`,
    );
  if (code.startsWith('InvalidAccessKeyId'))
    return credentials(
      `rejected: the gateway knows no such AccessKey id (${code})`,
      'use the id of an enabled AccessKey of this Alibaba Cloud account (RAM console, the user\'s "AccessKey" tab)',
    );
  if (code.startsWith('InvalidSecurityToken'))
    return credentials(
      `rejected: the STS token does not go with the AccessKey, or has expired (${code})`,
      `give the token issued with this AccessKey id, still valid (${key}.security_token or security_token_file)`,
    );
  if (code === 'InvalidCredentials')
    return credentials(
      `none found: ${error.message}`,
      call.defaultChain
        ? `set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, attach a RAM role, or set ${key}.access_key_id and access_key_secret_file`
        : `give ${key} a complete AccessKey (access_key_id with access_key_secret or access_key_secret_file)`,
    );
  if (code === 'secret_unreadable')
    return credentials(
      `unreadable: ${error.message}`,
      'make the secret file readable by the user the exporter runs as',
    );
  return undefined;
}

function clockProblem(code: string): Diagnosis | undefined {
  if (!code.startsWith('InvalidTimeStamp') && code !== 'SignatureNonceUsed') return undefined;
  return {
    blame: 'clock',
    text: `refused the request's time (${code})`,
    fix: "set this machine's clock right (NTP: chrony or systemd-timesyncd); DMS refuses a request more than 15 minutes off",
  };
}

function actionProblem(error: DmsError, call: CallContext): Diagnosis {
  const { code } = error;
  const key = `profiles.${call.profile}`;
  if (/^(Forbidden|NoPermission|AccessDenied)|NotAuthorized/.test(code))
    return action(
      `denied (${code})`,
      `allow it in a RAM policy of the AccessKey's user or role: "Action": "dms:${call.action}"`,
    );
  if (code.startsWith('Throttling'))
    return action(
      `throttled (${code}), on the retry too`,
      `DMS limits this account's calls: run the check again in a minute, and keep ${key}.rate_limit under DMS's limit`,
    );
  if (code === 'InternalError' || code === 'ServiceUnavailable' || /^http_5\d\d$/.test(code))
    return action(
      `DMS failed (${code}), on the retry too`,
      "a problem on DMS's side: run the check again later",
    );
  if (code === 'rate_limited')
    return action(
      `not sent: ${key}.rate_limit left no room for it within scrape.timeout`,
      `raise ${key}.rate_limit.requests_per_second, or scrape.timeout`,
    );
  if (call.status === 200) return refusedByDms(error, call);
  return action(`failed (${code}): ${error.message}`, 'look the code up in docs/runbooks.md');
}

/** HTTP 200 with `Success: false`: the gateway let the call through, DMS itself said no. */
function refusedByDms(error: DmsError, call: CallContext): Diagnosis {
  const key = `profiles.${call.profile}`;
  const said = error.message.replace(/^DMS answered Success=false: /, '');
  const tenant = call.tid === undefined ? 'without a tid' : `in tenant ${call.tid}`;
  if (call.orderId === undefined)
    return action(
      `refused by DMS (${error.code}): ${said}`,
      `check ${key}.tid: it must name a tenant this account belongs to (DMS console, the tenant menu)`,
    );
  return action(
    `refused by DMS for order ${call.orderId} ${tenant} (${error.code}): ${said}`,
    `check that ${call.orderId} is an approved data-tracking ticket, and set tid (${key}.tid, or the order's own) to the tenant that owns it`,
  );
}

function proxyFix(code: string, key: string): string {
  if (code === 'proxy_auth')
    return `check the proxy's user and password (${key}.proxy with proxy_password_file, or HTTPS_PROXY)`;
  if (code === 'proxy_timeout') return 'check that the proxy answers from this machine';
  return `check the proxy's address (${key}.proxy or HTTPS_PROXY), or name the endpoint in NO_PROXY (${key}.no_proxy) to reach it directly`;
}

function endpoint(text: string, fix: string): Diagnosis {
  return { blame: 'endpoint', text, fix };
}

function credentials(text: string, fix: string): Diagnosis {
  return { blame: 'credentials', text, fix };
}

function action(text: string, fix: string): Diagnosis {
  return { blame: 'action', text, fix };
}
