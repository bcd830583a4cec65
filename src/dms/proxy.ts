import { readFileSync } from 'node:fs';
import { err, ok, type Result } from 'yaml-files/basics';
import type { Env } from '../config/env.js';
import type { ProxySettings } from '../config/schema.js';

// Whether a profile's DMS calls go through a proxy, and which: decided once per profile (its endpoint
// never changes), so a call pays nothing for it and an error before the tunnel can be named as the
// proxy's. The profile's `proxy` and `no_proxy` win over the environment, each over its own variable.

/** The proxy a profile's calls go through: its URL (with credentials) and where it was set. */
export interface ProxyRoute {
  readonly url: URL;
  /** `profile` or the variable's name, for the log line that says a proxy is in use. */
  readonly source: string;
  /** The password, to scrub from any message (never in one by design; scrubbed all the same). */
  readonly password: string | undefined;
}

const MAX_PASSWORD_FILE_BYTES = 64 * 1024;

/** undefined: connect directly. An error: the proxy cannot be used as configured (say why, never how). */
export function proxyRoute(
  protocol: 'http' | 'https',
  endpoint: string,
  settings: ProxySettings,
  env: Env,
): Result<ProxyRoute | undefined, string> {
  const written = proxySetting(protocol, settings, env);
  if (written === undefined) return ok(undefined);
  const noProxy = settings.noProxy ?? env.no_proxy ?? env.NO_PROXY ?? '';
  if (bypasses(noProxy, protocol, endpoint)) return ok(undefined);
  // `host:port` without a scheme is what curl and most tools accept in the variables.
  const text = written.value.includes('://') ? written.value : `http://${written.value}`;
  if (!URL.canParse(text)) return err(`the proxy set by ${written.source} is not a valid URL`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return err(`the proxy set by ${written.source} is not an http:// or https:// URL`);
  if (settings.passwordFile !== undefined) {
    const password = readPassword(settings.passwordFile);
    if (!password.ok) return password;
    url.password = encodeURIComponent(password.value);
  }
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return ok({ url, source: written.source, password });
}

function proxySetting(
  protocol: 'http' | 'https',
  settings: ProxySettings,
  env: Env,
): { value: string; source: string } | undefined {
  if (settings.url !== undefined) return { value: settings.url.reveal(), source: 'profile' };
  // undici's and curl's order: lower case first; an https endpoint falls back to the http proxy.
  const names =
    protocol === 'https'
      ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']
      : ['http_proxy', 'HTTP_PROXY'];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { value, source: name };
  }
  return undefined;
}

/**
 * `NO_PROXY` as undici and curl read it: entries split by commas or spaces, `*` for every host, a
 * host (with or without a leading `.` or `*.`) matching itself and its subdomains, `host:port` only
 * that port.
 */
export function bypasses(noProxy: string, protocol: 'http' | 'https', endpoint: string): boolean {
  const { hostname, port } = new URL(`${protocol}://${endpoint}`);
  const host = hostname.toLowerCase();
  const portNumber = port === '' ? (protocol === 'https' ? 443 : 80) : Number(port);
  for (const entry of noProxy.split(/[,\s]+/)) {
    if (entry === '') continue;
    if (entry === '*') return true;
    const [, name = entry, entryPort] = /^(.+):(\d+)$/.exec(entry) ?? [];
    if (entryPort !== undefined && Number(entryPort) !== portNumber) continue;
    const suffix = name.replace(/^\*?\./, '').toLowerCase();
    if (host === suffix || host.endsWith(`.${suffix}`)) return true;
  }
  return false;
}

function readPassword(path: string): Result<string, string> {
  try {
    const content = readFileSync(path);
    if (content.length > MAX_PASSWORD_FILE_BYTES)
      return err(`proxy_password_file "${path}" is larger than 64 KiB`);
    const value = content.toString('utf8').replace(/\r?\n$/, '');
    return value === '' ? err(`proxy_password_file "${path}" is empty`) : ok(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return err(`cannot read proxy_password_file "${path}": ${reason}`);
  }
}
