import { formatDuration } from 'yaml-files/basics';
import type { Profile } from '../config/schema.js';
import type { Exchange } from '../dms/alibaba-client.js';
import { ACTION_GET_JOB_DEGREE, ACTION_GET_ORDER_DETAIL, ACTION_LIST_ORDERS } from '../dms/types.js';
import type { CallFacts, ListingCall, ProfileFacts } from './calls.js';
import { diagnose, type Blame, type Diagnosis } from './diagnose.js';
import type { Finding, ProfileReport } from './report.js';

// What the calls of one profile mean, as findings (report.ts). Pure: facts in, report out.

/** A clock this far from the gateway's is worth a note even while DMS accepts it (it refuses at 15 min). */
const NOTABLE_SKEW_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

const SCOPE_MEANING: Readonly<Record<string, string>> = {
  AS_ADMIN:
    "every ticket of the tenant when the account is a DMS administrator or DBA; for any other role DMS lists only the account's own",
  AS_COMMITTER: 'only the tickets this account submitted',
  AS_HANDLER: 'only the tickets this account handles (approves or runs)',
  AS_OWNER: 'only the tickets of the databases this account owns',
  AS_Related: 'only the tickets this account takes part in',
};

interface JudgedCall {
  readonly action: string;
  readonly facts: CallFacts<unknown>;
  /** What the call found: its findings when it succeeded, its diagnosis when not. */
  readonly outcome:
    | { readonly ok: true; readonly findings: Finding[] }
    | { readonly ok: false; readonly diagnosis: Diagnosis };
}

export function assessProfile(facts: ProfileFacts): ProfileReport {
  const { profile } = facts;
  const name = profile.name;
  const target = `${profile.protocol}://${profile.endpoint}, ${routeText(facts)}`;
  const calls = judgedCalls(facts);
  if (calls.length === 0 && facts.notTried.length === 0)
    return {
      name,
      target,
      findings: [
        {
          verdict: 'note',
          subject: 'profile',
          text: 'no order and no discovery use this profile: nothing to call',
        },
      ],
    };
  const blocking = calls.map(diagnosisOf).find((d) => d !== undefined && d.blame !== 'action');
  return {
    name,
    target,
    findings: [
      endpointFinding(calls),
      credentialsFinding(profile, calls),
      ...clockFinding(calls),
      ...calls.flatMap(actionFindings),
      ...detailSkipped(facts),
      ...facts.notTried.map((action) => notTried(action, blocking?.blame)),
    ],
  };
}

function judgedCalls(facts: ProfileFacts): JudgedCall[] {
  const { jobDegree, listing, detail, profile } = facts;
  const calls: JudgedCall[] = [];
  if (jobDegree !== undefined)
    calls.push(
      judge(facts, ACTION_GET_JOB_DEGREE, jobDegree.call, jobDegree, (degree) => [
        allowed(ACTION_GET_JOB_DEGREE, `order ${jobDegree.orderId} is ${degree.rawStatus}`),
      ]),
    );
  if (listing !== undefined)
    calls.push(
      judge(facts, ACTION_LIST_ORDERS, listing.call, undefined, (page) =>
        listingFindings(listing, page.totalCount, profile),
      ),
    );
  if (detail !== undefined)
    calls.push(
      judge(facts, ACTION_GET_ORDER_DETAIL, detail.call, detail, (track) => [
        allowed(ACTION_GET_ORDER_DETAIL, `ticket ${detail.orderId} tracks ${track.database}`),
      ]),
    );
  return calls;
}

/** A call's findings when it succeeded; its diagnosis (blame, text, fix) when not. */
function judge<T>(
  facts: ProfileFacts,
  action: string,
  call: CallFacts<T>,
  order: { readonly orderId: number; readonly tid: number | undefined } | undefined,
  found: (value: T) => Finding[],
): JudgedCall {
  const { result } = call;
  if (result.ok) return { action, facts: call, outcome: { ok: true, findings: found(result.value) } };
  const { profile } = facts;
  const diagnosis = diagnose(result.error, {
    profile: profile.name,
    action,
    endpoint: profile.endpoint,
    timeoutMs: facts.timeoutMs,
    status: call.exchanges.at(-1)?.status,
    defaultChain: profile.credentials.kind === 'default_chain',
    orderId: order?.orderId,
    tid: order === undefined ? profile.tid : order.tid,
  });
  return { action, facts: call, outcome: { ok: false, diagnosis } };
}

function diagnosisOf(call: JudgedCall): Diagnosis | undefined {
  return call.outcome.ok ? undefined : call.outcome.diagnosis;
}

function exchangesOf(calls: readonly JudgedCall[]): Exchange[] {
  return calls.flatMap((c) => c.facts.exchanges);
}

function endpointFinding(calls: readonly JudgedCall[]): Finding {
  const answered = exchangesOf(calls).find((e) => e.status !== undefined);
  if (answered?.elapsedMs !== undefined)
    return { verdict: 'ok', subject: 'endpoint', text: `reached in ${Math.round(answered.elapsedMs)} ms` };
  const failed = blamed(calls, 'endpoint');
  if (failed !== undefined)
    return { verdict: 'fail', subject: 'endpoint', text: failed.text, fix: failed.fix };
  return { verdict: 'skip', subject: 'endpoint', text: 'not reached: no call was sent' };
}

function credentialsFinding(profile: Profile, calls: readonly JudgedCall[]): Finding {
  const signed = exchangesOf(calls).find((e) => e.credentialProvider !== undefined);
  const source = credentialText(profile, signed);
  const failed = blamed(calls, 'credentials');
  if (failed !== undefined)
    return { verdict: 'fail', subject: 'credentials', text: `${failed.text}; ${source}`, fix: failed.fix };
  // A call DMS answered, or one RAM refused, got past the signature and key checks.
  const accepted = calls.some((c) => {
    const status = c.facts.exchanges.at(-1)?.status;
    return c.outcome.ok || status === 200 || status === 403;
  });
  return accepted
    ? { verdict: 'ok', subject: 'credentials', text: `accepted: ${source}` }
    : { verdict: 'skip', subject: 'credentials', text: `not confirmed: ${source}` };
}

function credentialText(profile: Profile, signed: Exchange | undefined): string {
  const credentials = profile.credentials;
  if (credentials.kind === 'default_chain') {
    const name = signed?.credentialProvider?.replace(/^default\//, '');
    const key = signed?.accessKeyId === undefined ? '' : ` (access key ${maskKeyId(signed.accessKeyId)})`;
    return `the default credential chain${name === undefined ? '' : `, provider ${name}${key}`}`;
  }
  const secret = credentials.accessKeySecret;
  const from = secret.kind === 'file' ? `, secret from ${secret.path}` : ' from the configuration';
  const token = credentials.securityToken === undefined ? '' : ', with an STS token';
  return `access key ${maskKeyId(credentials.accessKeyId)}${from}${token}`;
}

/** Enough of an AccessKey id to tell keys apart in the RAM console, not the whole id. */
export function maskKeyId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 4)}****${id.slice(-4)}` : '****';
}

function clockFinding(calls: readonly JudgedCall[]): Finding[] {
  const refused = calls.find((c) => diagnosisOf(c)?.blame === 'clock');
  const diagnosis = refused && diagnosisOf(refused);
  if (refused !== undefined && diagnosis !== undefined) {
    const skew = skewOf(refused);
    const apart = skew === undefined ? "the gateway's time is unknown (no Date header)" : skewText(skew);
    const { text, fix } = diagnosis;
    return [{ verdict: 'fail', subject: 'clock', text: `the gateway ${text}: ${apart}`, fix }];
  }
  for (const call of calls) {
    const skew = skewOf(call);
    if (skew !== undefined && Math.abs(skew) >= NOTABLE_SKEW_MS)
      return [{ verdict: 'note', subject: 'clock', text: `${skewText(skew)} (DMS refuses 15 min)` }];
  }
  return [];
}

/** The gateway's clock minus ours, from the answer's Date header or a time in its error message. */
function skewOf(call: JudgedCall): number | undefined {
  const date = call.facts.exchanges.at(-1)?.serverDate;
  const message = call.facts.result.ok ? '' : call.facts.result.error.message;
  const said = /server ?time\D{0,8}(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/i.exec(message)?.[1];
  const serverMs = Date.parse(date ?? said ?? '');
  return Number.isNaN(serverMs) ? undefined : serverMs - call.facts.endedAtMs;
}

/** Whole minutes from two minutes on (the Date header has whole seconds), else seconds. */
function skewText(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const size = seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`;
  return `the gateway's clock is ${size} ${skewMs > 0 ? 'ahead of' : 'behind'} ours`;
}

function actionFindings(call: JudgedCall): Finding[] {
  if (call.outcome.ok) return call.outcome.findings;
  const { blame, text, fix } = call.outcome.diagnosis;
  return blame === 'action'
    ? [{ verdict: 'fail', subject: call.action, text, fix }]
    : [{ verdict: 'skip', subject: call.action, text: `not answered: the ${blame} failed` }];
}

function listingFindings(listing: ListingCall, total: number, profile: Profile): Finding[] {
  const { scope, status, lookbackMs } = listing.discovery;
  const which = status === 'ALL' ? '' : `, status ${status}`;
  const tickets = `${total} data-tracking ticket${total === 1 ? '' : 's'}`;
  const meaning = `${scope} lists ${SCOPE_MEANING[scope] ?? 'the tickets DMS chooses'}`;
  const none =
    total > 0
      ? ''
      : `; none seen: check profiles.${profile.name}.tid${scope === 'AS_ADMIN' ? ', and use AS_COMMITTER unless the account is an administrator or DBA' : ''}`;
  return [
    allowed(ACTION_LIST_ORDERS, `${tickets} created in the last ${windowText(lookbackMs)}${which}`),
    { verdict: 'note', subject: 'discovery.scope', text: `${meaning}${none}` },
  ];
}

/** `7d` rather than formatDuration's `1w`: discovery.lookback is written in days more often than not. */
function windowText(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS}d` : formatDuration(ms);
}

function allowed(action: string, detail: string): Finding {
  return { verdict: 'ok', subject: action, text: `allowed: ${detail}` };
}

function notTried(action: string, blame: Blame | undefined): Finding {
  // Without a failure of the whole profile, only a failed ListOrders leaves a call not tried.
  const why = blame === undefined ? 'ListOrders failed' : `the ${blame} failed`;
  return { verdict: 'skip', subject: action, text: `not tried: ${why}` };
}

function detailSkipped(facts: ProfileFacts): Finding[] {
  if (facts.detailSkipped === undefined) return [];
  const text =
    facts.detailSkipped === 'no_ticket'
      ? 'not tried: ListOrders listed no ticket to ask about'
      : 'not needed: discovery.details_per_run is 0';
  return [{ verdict: 'skip', subject: ACTION_GET_ORDER_DETAIL, text }];
}

function blamed(calls: readonly JudgedCall[], blame: Blame): Diagnosis | undefined {
  return calls.map(diagnosisOf).find((d) => d?.blame === blame);
}

function routeText(facts: ProfileFacts): string {
  const { proxy } = facts;
  if (!proxy.ok) return `proxy unusable: ${proxy.error}`;
  if (proxy.value === undefined) return 'direct';
  const source =
    proxy.value.source === 'profile' ? `profiles.${facts.profile.name}.proxy` : proxy.value.source;
  return `through the proxy ${proxy.value.url} (from ${source})`;
}
