import type { SecureVersion } from 'node:tls';

// The exporter-toolkit writes TLS settings with Go's crypto/tls names; Node takes OpenSSL's.

export const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
export type TlsVersionName = (typeof TLS_VERSIONS)[number];

export const NODE_TLS_VERSION: Readonly<Record<TlsVersionName, SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** Go's `tls.CipherSuites()` (the suites it does not call insecure), which the toolkit accepts. */
export const CIPHER_SUITE_NAMES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
] as const;
export type CipherSuiteName = (typeof CIPHER_SUITE_NAMES)[number];

/**
 * OpenSSL's name of each TLS 1.2 suite. The TLS 1.3 suites map to nothing: Go does not let them be
 * configured (all three are always on), so naming one in cipher_suites changes nothing here either.
 */
const OPENSSL_CIPHER: Readonly<Record<CipherSuiteName, string | undefined>> = {
  TLS_AES_128_GCM_SHA256: undefined,
  TLS_AES_256_GCM_SHA384: undefined,
  TLS_CHACHA20_POLY1305_SHA256: undefined,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
};

const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/** Node's `ciphers` string: the TLS 1.2 suites in the order given, and every TLS 1.3 suite, as in Go. */
export function opensslCiphers(names: readonly CipherSuiteName[]): string {
  const tls12 = names.map((name) => OPENSSL_CIPHER[name]).filter((name) => name !== undefined);
  return [TLS13_SUITES, ...tls12].join(':');
}

export const CURVE_NAMES = ['CurveP256', 'CurveP384', 'CurveP521', 'X25519'] as const;
export type CurveName = (typeof CURVE_NAMES)[number];

const OPENSSL_CURVE: Readonly<Record<CurveName, string>> = {
  CurveP256: 'P-256',
  CurveP384: 'P-384',
  CurveP521: 'P-521',
  X25519: 'X25519',
};

/** Node's `ecdhCurve` string, in preference order. */
export function opensslCurves(names: readonly CurveName[]): string {
  return names.map((name) => OPENSSL_CURVE[name]).join(':');
}
