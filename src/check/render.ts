import { checkPassed, profileFailed, type CheckReport, type Finding, type Verdict } from './report.js';

// The report of --dms.check as text for a terminal: a header per profile, one line per finding
// (mark, subject, what was found), the fix under a failure, and a last line saying whether the
// exporter will work. Pure.

const MARKS: Readonly<Record<Verdict, string>> = { ok: 'ok', fail: 'FAIL', note: 'note', skip: '-' };
const MARK_WIDTH = 5;
const INDENT = '  ';

export function renderReport(report: CheckReport): string {
  const subjects = report.profiles.flatMap((p) => p.findings.map((f) => f.subject.length));
  const width = Math.max(0, ...subjects);
  const profiles = report.profiles.map(
    (profile) =>
      `profile ${profile.name}: ${profile.target}\n${profile.findings.map((f) => findingLines(f, width)).join('')}`,
  );
  return `${profiles.join('\n')}\n${verdictLine(report)}\n`;
}

function findingLines(finding: Finding, width: number): string {
  const line = `${INDENT}${MARKS[finding.verdict].padEnd(MARK_WIDTH)} ${finding.subject.padEnd(width)}  ${finding.text}\n`;
  if (finding.fix === undefined) return line;
  return `${line}${INDENT}${' '.repeat(MARK_WIDTH + 1)}fix: ${finding.fix}\n`;
}

function verdictLine(report: CheckReport): string {
  const count = report.profiles.length;
  if (checkPassed(report))
    return `OK: DMS answers every call the configuration needs (${count} profile${count === 1 ? '' : 's'})`;
  const failed = report.profiles.filter(profileFailed).map((p) => p.name);
  const who =
    failed.length === 1
      ? `profile ${failed.join('')} needs the fix`
      : `profiles ${failed.join(', ')} need the fixes`;
  return `FAILED: ${who} above (${failed.length} of ${count})`;
}
