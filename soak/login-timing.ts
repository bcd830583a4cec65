// npm run soak -- --login-timing: how long a failed login takes for an unknown user and for users
// of each configured bcrypt cost, one request at a time, in rounds that rotate the order. If the
// times differ by user, a client can tell which user names exist.
import { Agent } from 'node:http';
import { rotate } from '../bench/stats.js';
import { basicAuth, spread, timedGet } from './auth-clients.js';
import { makeUser, serveWithUsers, writeRunJson } from './auth-setup.js';
import type { Serving } from '../test/support/process.js';
import type { LoginTimingOptions } from './options.js';

export interface LoginTiming {
  /** `unknown user`, `cost 10 user`...: every failed login's time in ms. */
  readonly failedMs: Readonly<Record<string, number[]>>;
}

const UNKNOWN = 'unknown user';

export async function loginTiming(
  options: LoginTimingOptions,
  track: (program: Serving) => void,
): Promise<LoginTiming> {
  const users = options.costs.map((cost, i) => makeUser(`user${i}`, cost));
  const serving = await serveWithUsers(users, false, track);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const url = new URL('/-/healthy', serving.exporter.url);
    const kinds = [
      { label: UNKNOWN, user: 'nobody' },
      ...users.map((user) => ({ label: `cost ${user.cost} user`, user: user.name })),
    ];
    const failedMs: Record<string, number[]> = Object.fromEntries(kinds.map(({ label }) => [label, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const { label, user } of rotate(kinds, round)) {
        const answer = await timedGet(url, basicAuth(user, `wrong-${round}`), agent);
        if (answer.outcome !== '401') throw new Error(`a wrong password for ${label} got ${answer.outcome}`);
        failedMs[label]?.push(answer.ms);
      }
    }
    return { failedMs };
  } finally {
    agent.destroy();
    await serving.stop();
  }
}

export function loginTimingSummary(options: LoginTimingOptions, timing: LoginTiming): string {
  const unknown = spread(timing.failedMs[UNKNOWN] ?? []).median;
  const rows = Object.entries(timing.failedMs).map(([label, times]) => {
    const { median, p90, max } = spread(times);
    const min = Math.min(...times);
    const ratio = (median / unknown).toFixed(2);
    return `| ${label} | ${times.length} | ${min.toFixed(0)} | ${median.toFixed(0)} | ${p90.toFixed(0)} | ${max.toFixed(0)} | ${ratio} |`;
  });
  return [
    `Failed logins, one at a time, ${options.rounds} rounds; users with bcrypt costs ${options.costs.join(', ')}`,
    '',
    '| failed login of | n | min ms | median ms | p90 ms | max ms | median / unknown user |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function writeLoginTimingJson(path: string, options: LoginTimingOptions, timing: LoginTiming) {
  return writeRunJson(path, { rounds: options.rounds, costs: options.costs }, timing);
}
