import { X509Certificate, createPrivateKey } from 'node:crypto';
import { resolve } from 'node:path';
import { createSecureContext, type SecureContextOptions, type TLSSocket, type TlsOptions } from 'node:tls';
import { err, ok, readSmallFile, type Problem, type Result } from 'yaml-files/basics';
import type { TlsSettings } from './schema.js';
import { NODE_TLS_VERSION, TLS_VERSIONS, opensslCiphers, opensslCurves } from './tls-names.js';

// TLS for the exporter's own server, with the toolkit's rules: which settings go together, the
// client certificate policies, and certificate files that are checked before they are used.

/** Certificates and keys are a few KiB; a CA bundle a few hundred. Anything larger is a wrong file. */
const MAX_PEM_BYTES = 1024 * 1024;

/** One rule across tls_server_config's keys: its id (the name of its fixture in test/fixtures/web/bad). */
export interface TlsRule {
  readonly id: string;
  problem(tls: TlsSettings): Problem | undefined;
}

const at = (key: string, message: string): Problem => ({ path: ['tls_server_config', key], message });

/** The toolkit's rules across tls_server_config's keys (plus min <= max). */
export const TLS_RULES: readonly TlsRule[] = [
  {
    id: 'tls-settings-without-cert',
    problem: (tls) =>
      tls.certFile === undefined && tls.keyFile === undefined
        ? {
            path: ['tls_server_config'],
            message: 'needs cert_file and key_file (leave tls_server_config out to serve plain HTTP)',
          }
        : undefined,
  },
  {
    id: 'missing-key-file',
    problem: (tls) =>
      tls.certFile !== undefined && tls.keyFile === undefined ? at('cert_file', 'needs key_file') : undefined,
  },
  {
    id: 'missing-cert-file',
    problem: (tls) =>
      tls.keyFile !== undefined && tls.certFile === undefined ? at('key_file', 'needs cert_file') : undefined,
  },
  {
    id: 'ca-without-client-auth',
    problem: (tls) =>
      tls.clientCaFile !== undefined && tls.clientAuth === 'NoClientCert'
        ? at('client_ca_file', 'needs a client_auth_type that asks for client certificates')
        : undefined,
  },
  {
    id: 'allowed-sans-without-required-cert',
    problem: (tls) =>
      tls.clientAllowedSans !== undefined &&
      tls.clientAuth !== 'RequireAnyClientCert' &&
      tls.clientAuth !== 'RequireAndVerifyClientCert'
        ? at(
            'client_allowed_sans',
            'needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert',
          )
        : undefined,
  },
  {
    id: 'min-version-above-max',
    problem: (tls) =>
      TLS_VERSIONS.indexOf(tls.minVersion) > TLS_VERSIONS.indexOf(tls.maxVersion)
        ? at('min_version', `must not be above max_version (${tls.maxVersion}), got ${tls.minVersion}`)
        : undefined,
  },
];

export function tlsRuleProblems(tls: TlsSettings): Problem[] {
  return TLS_RULES.flatMap((rule) => rule.problem(tls) ?? []);
}

/**
 * Reads and checks the certificate, key and client CA files (relative to `baseDir`), and returns
 * Node's secure context options. Problems name the key and the path as written, never file contents.
 */
export function readTlsMaterial(tls: TlsSettings, baseDir: string): Result<SecureContextOptions, Problem[]> {
  const problems: Problem[] = [];
  const read = (key: string, path: string | undefined, check: (pem: Buffer) => string | undefined) => {
    if (path === undefined) return undefined;
    const content = readSmallFile(resolve(baseDir, path), MAX_PEM_BYTES);
    const problem = content.ok ? check(content.value) : `cannot read "${path}": ${content.error}`;
    if (problem !== undefined) problems.push({ path: ['tls_server_config', key], message: problem });
    return content.ok ? content.value : undefined;
  };
  const cert = read('cert_file', tls.certFile, (pem) => certificateProblem(pem, tls.certFile));
  const key = read('key_file', tls.keyFile, (pem) => privateKeyProblem(pem, tls.keyFile));
  const ca = read('client_ca_file', tls.clientCaFile, (pem) => certificateProblem(pem, tls.clientCaFile));
  if (problems.length > 0) return err(problems);
  const options: SecureContextOptions = {
    cert,
    key,
    ...(ca ? { ca } : {}),
    minVersion: NODE_TLS_VERSION[tls.minVersion],
    maxVersion: NODE_TLS_VERSION[tls.maxVersion],
    honorCipherOrder: tls.preferServerCipherSuites,
    ...(tls.cipherSuites ? { ciphers: opensslCiphers(tls.cipherSuites) } : {}),
    ...(tls.curvePreferences ? { ecdhCurve: opensslCurves(tls.curvePreferences) } : {}),
  };
  const pair = secureContextProblem(options, tls.keyFile);
  return pair === undefined ? ok(options) : err([{ path: ['tls_server_config', 'key_file'], message: pair }]);
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** Every certificate in the file must parse, and there must be one: OpenSSL skips what it cannot read. */
function certificateProblem(pem: Buffer, path: string | undefined): string | undefined {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return `"${path}" holds a certificate that cannot be read`;
  }
  return blocks.length === 0 ? `"${path}" holds no PEM certificate` : undefined;
}

function privateKeyProblem(pem: Buffer, path: string | undefined): string | undefined {
  try {
    createPrivateKey(pem);
    return undefined;
  } catch {
    return `"${path}" holds no unencrypted private key in PEM form`;
  }
}

function secureContextProblem(
  options: SecureContextOptions,
  keyPath: string | undefined,
): string | undefined {
  try {
    createSecureContext(options);
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH')
      return `"${keyPath}" does not match the certificate in cert_file`;
    // OpenSSL's reason, without its numeric prefix; it never quotes the key.
    const reason =
      error instanceof Error ? (error.message.split('::').pop() ?? error.message) : String(error);
    return `cannot use cert_file and key_file: ${reason}`;
  }
}

/** How the server asks for client certificates; the policy itself is applied by clientCertificateProblem. */
export function clientCertificateRequest(
  tls: TlsSettings,
): Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized'> {
  return {
    requestCert: tls.clientAuth !== 'NoClientCert',
    // Only this type makes OpenSSL fail the handshake itself; the others are checked after it.
    rejectUnauthorized: tls.clientAuth === 'RequireAndVerifyClientCert',
  };
}

/** Why a finished handshake breaks client_auth_type or client_allowed_sans, or undefined if it does not. */
export function clientCertificateProblem(socket: TLSSocket, tls: TlsSettings): string | undefined {
  if (tls.clientAuth === 'NoClientCert' || tls.clientAuth === 'RequestClientCert') return undefined;
  const certificate = socket.getPeerCertificate();
  const given = Object.keys(certificate).length > 0;
  if (!given) {
    return tls.clientAuth === 'VerifyClientCertIfGiven' ? undefined : 'no client certificate';
  }
  const verify =
    tls.clientAuth === 'VerifyClientCertIfGiven' || tls.clientAuth === 'RequireAndVerifyClientCert';
  if (verify && !socket.authorized) {
    return `client certificate not trusted (${String(socket.authorizationError)})`;
  }
  const allowed = tls.clientAllowedSans;
  if (
    allowed !== undefined &&
    !subjectAltNames(certificate.subjectaltname).some((san) => allowed.includes(san))
  ) {
    return 'client certificate has none of client_allowed_sans';
  }
  return undefined;
}

/** `DNS:a, IP Address:1.2.3.4, URI:"x, y"` to its values; Node quotes a value as JSON when it must. */
export function subjectAltNames(text: string | undefined): string[] {
  const entries = (text ?? '').matchAll(/(?:^|, )(?:DNS|IP Address|email|URI):("(?:[^"\\]|\\.)*"|[^,]*)/g);
  return [...entries].map(([, value = '']) =>
    value.startsWith('"') ? (JSON.parse(value) as string) : value,
  );
}
