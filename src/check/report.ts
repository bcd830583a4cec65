// The report of --dms.check as data: per profile, where its calls go and one finding per thing the
// configuration needs (reaching the endpoint, the credentials, the clock, each action). findings.ts
// builds it from what the calls learned; render.ts prints it. A failed finding carries its fix.

/** ok: works; fail: the exporter would fail here; note: worth knowing, not a failure; skip: not tried. */
export type Verdict = 'ok' | 'fail' | 'note' | 'skip';

export interface Finding {
  readonly verdict: Verdict;
  /** `endpoint`, `credentials`, `clock`, `profile`, or an action's name. */
  readonly subject: string;
  readonly text: string;
  /** One line saying what to change; only on a failure. */
  readonly fix?: string | undefined;
}

export interface ProfileReport {
  readonly name: string;
  /** `https://host`, and how it is reached: `direct` or through which proxy. */
  readonly target: string;
  readonly findings: readonly Finding[];
}

export interface CheckReport {
  readonly profiles: readonly ProfileReport[];
}

export function profileFailed(profile: ProfileReport): boolean {
  return profile.findings.some((f) => f.verdict === 'fail');
}

/** Exit 0 only when every profile can make every call its configuration needs. */
export function checkPassed(report: CheckReport): boolean {
  return !report.profiles.some(profileFailed);
}
