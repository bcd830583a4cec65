import { err, ok, type Result } from 'yaml-files/basics';

export type Env = Readonly<Record<string, string | undefined>>;

// `$${` is a literal `${`; `${NAME}` is replaced; any other `$` is kept as is, so values such as
// passwords with a lone `$` need no escaping.
const REFERENCE = /\$\$\{|\$\{([^}]*)(\})?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${NAME}` with the environment variable NAME. Reasons name variables, never the text around
 * them: the text may be a secret.
 */
export function expandEnv(text: string, env: Env): Result<string, readonly string[]> {
  const reasons: string[] = [];
  const value = text.replace(REFERENCE, (match: string, name?: string, close?: string) => {
    if (match === '$${') return '${';
    if (close === undefined) {
      reasons.push('unterminated "${" (write ${NAME}, or $${ for a literal "${")');
      return '';
    }
    if (name === undefined || !NAME.test(name)) {
      // The text inside the braces is not shown: in a secret it may be part of the secret.
      reasons.push('invalid variable name in ${...} (use letters, digits and _, not starting with a digit)');
      return '';
    }
    const resolved = env[name];
    if (resolved === undefined) {
      reasons.push(`environment variable ${name} is not set`);
      return '';
    }
    return resolved;
  });
  return reasons.length === 0 ? ok(value) : err(reasons);
}
