import { X509Certificate } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';

// The server certificate's validity dates: a certificate that has expired or is not valid yet is
// still served (clients refuse it, and the exporter cannot serve another), so the exporter says so
// in its log when it loads one, and exports the expiry date for an alert well before that day.

export interface CertificateDates {
  /** Unix milliseconds of the certificate's NotBefore and NotAfter. */
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

const FIRST_PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/;

/** The dates of the first certificate in `cert` (the one served; the rest is its chain). */
export function servedCertificateDates(cert: SecureContextOptions['cert']): CertificateDates | undefined {
  const pem = Buffer.isBuffer(cert) ? cert.toString('latin1') : typeof cert === 'string' ? cert : '';
  const block = FIRST_PEM_CERTIFICATE.exec(pem)?.[0];
  if (block === undefined) return undefined;
  const certificate = new X509Certificate(block);
  return { notBeforeMs: Date.parse(certificate.validFrom), notAfterMs: Date.parse(certificate.validTo) };
}

/** Logs a warning when the certificate in `file` is not valid at `nowMs`; says nothing when it is. */
export function warnIfNotValid(dates: CertificateDates, nowMs: number, file: string, logger: Logger): void {
  const notBefore = new Date(dates.notBeforeMs).toISOString();
  const notAfter = new Date(dates.notAfterMs).toISOString();
  if (nowMs > dates.notAfterMs) {
    logger.warn(
      { file, not_after: notAfter },
      'the TLS server certificate has expired: clients that verify it refuse to connect',
    );
  } else if (nowMs < dates.notBeforeMs) {
    logger.warn(
      { file, not_before: notBefore },
      'the TLS server certificate is not valid yet: clients that verify it refuse to connect',
    );
  }
}
