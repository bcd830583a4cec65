import { report } from './context.js';
import { readString } from './fields.js';
import { anchorOf, fieldPath, isSet, valueOf } from './nodes.js';
import type { Section } from './nodes.js';
import { Secret } from './secret.js';
import type { Credentials } from './types.js';

export const CREDENTIAL_KEYS = [
  'access_key_id',
  'access_key_secret',
  'access_key_secret_file',
  'security_token',
  'security_token_file',
] as const;

/**
 * A profile's credentials: an explicit access key when `access_key_id` is given, else the Alibaba
 * default chain. Half a key pair is an error rather than a silent fall back to the chain, which would
 * sign with some other identity.
 */
export function readCredentials(profile: Section): Credentials | undefined {
  const accessKeyId = readString(profile, 'access_key_id');
  const accessKeySecret = readSecret(profile, 'access_key_secret');
  const securityToken = readSecret(profile, 'security_token');
  const hasId = isSet(profile, 'access_key_id');
  const secretKey = givenKey(profile, 'access_key_secret');
  if (hasId && secretKey === undefined) {
    complain(profile, 'access_key_id', 'needs access_key_secret or access_key_secret_file');
  }
  if (!hasId && secretKey !== undefined) complain(profile, secretKey, 'needs access_key_id');
  const tokenKey = givenKey(profile, 'security_token');
  if (!hasId && tokenKey !== undefined)
    complain(profile, tokenKey, 'needs access_key_id and access_key_secret');
  if (!hasId) return { kind: 'default_chain' };
  if (accessKeyId === undefined || accessKeySecret === undefined) return undefined;
  return { kind: 'access_key', accessKeyId, accessKeySecret, securityToken };
}

function complain(profile: Section, key: string, reason: string): void {
  report(profile.ctx, fieldPath(profile, key), anchorOf(profile, key), reason);
}

/** Which of `key` / `key_file` was given (the literal wins when both are, which is reported anyway). */
function givenKey(profile: Section, key: string): string | undefined {
  if (isSet(profile, key)) return key;
  return isSet(profile, `${key}_file`) ? `${key}_file` : undefined;
}

/** `key` (a literal or ${VAR}) or `key_file` (a path to read), never both. */
function readSecret(profile: Section, key: string): Secret | undefined {
  const fileKey = `${key}_file`;
  if (isSet(profile, key) && isSet(profile, fileKey)) {
    complain(profile, fileKey, `cannot be combined with ${key}; use one of them`);
    return undefined;
  }
  if (isSet(profile, fileKey)) return readSecretFile(profile, fileKey);
  const value = readString(profile, key, { secret: true });
  return value === undefined ? undefined : new Secret(value);
}

function readSecretFile(profile: Section, fileKey: string): Secret | undefined {
  const path = readString(profile, fileKey);
  if (path === undefined) return undefined;
  const node = valueOf(profile, fileKey);
  const content = profile.ctx.readSecretFile(path);
  if (content instanceof Error) {
    report(profile.ctx, fieldPath(profile, fileKey), node, `cannot read "${path}": ${content.message}`);
    return undefined;
  }
  // Files written by `echo` or editors end in a newline that is not part of the key.
  const value = content.replace(/\r?\n$/, '');
  if (value === '') {
    report(profile.ctx, fieldPath(profile, fileKey), node, `file "${path}" is empty`);
    return undefined;
  }
  return new Secret(value);
}
