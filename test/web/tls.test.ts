import { X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebConfig } from '../../src/web/load.js';
import { makeCertDir, type CertDir } from '../support/certs.js';
import { fixedClock } from '../support/clock.js';
import { call, serveWeb, webConfig, type WebServed } from '../support/web.js';

// Real TLS on loopback: certificates made by openssl, the exporter built by createExporter and
// served by its listen(), a Node https client per request (one handshake each).

let certs: CertDir;
let served: WebServed | undefined;
const pem = (name: string): Buffer => readFileSync(certs.path(name));
const serial = (name: string): string => new X509Certificate(pem(name)).serialNumber;

beforeAll(() => {
  certs = makeCertDir();
  certs.makeCa('ca');
  certs.makeCa('other-ca');
  certs.makeLeaf('server', 'ca', 'DNS:localhost,IP:127.0.0.1');
  certs.makeLeaf('prometheus', 'ca', 'DNS:prometheus.example,URI:spiffe://example/prometheus');
  certs.makeLeaf('intruder', 'other-ca', 'DNS:prometheus.example');
  certs.makeLeaf('stranger', 'ca', 'DNS:stranger.example');
});
afterAll(() => certs.remove());
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** web.yml beside the certificates, loaded as main.ts does. */
const webYml = (text: string): WebConfig => webConfig(certs.path('web.yml'), text);

const TLS = 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n';
const clientCert = (name: string) => ({
  ca: pem('ca.crt'),
  cert: pem(`${name}.crt`),
  key: pem(`${name}.key`),
});

describe('TLS', () => {
  it('serves every endpoint over TLS to a client that trusts the CA', async () => {
    served = await serveWeb(webYml(TLS));
    expect(served.url).toMatch(/^https:/);
    for (const path of ['/metrics', '/', '/-/healthy', '/-/ready']) {
      const answer = await call(served.url, path, { ca: pem('ca.crt') });
      expect(answer.status, path).toBe(200);
      expect(answer.serverSerial).toBe(serial('server.crt'));
    }
  });

  it('is refused by a client that trusts another CA', async () => {
    served = await serveWeb(webYml(TLS));
    await expect(call(served.url, '/metrics', { ca: pem('other-ca.crt') })).rejects.toThrow(
      /unable to verify|self.signed|certificate/i,
    );
  });

  it("answers plain HTTP with 400 and Go's explanation, and logs it at most once a minute", async () => {
    served = await serveWeb(webYml(TLS));
    const plain = served.url.replace('https://', 'http://');
    for (const method of ['GET', 'POST', 'PUT', 'GET']) {
      const answer = await call(plain, '/metrics', { method });
      expect(answer.status, method).toBe(400);
      expect(answer.headers.connection).toBe('close');
      expect(answer.body).toBe('Client sent an HTTP request to an HTTPS server.\n');
    }
    const warnings = served.logs.filter(
      (log) => log.msg === 'plain HTTP request to the TLS port answered 400',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', remote: '127.0.0.1', counts: { plain_http: 1 } });
    // The port still speaks TLS.
    expect((await call(served.url, '/-/healthy', { ca: pem('ca.crt') })).status).toBe(200);
  });

  it('hands TLS versions and cipher suites to OpenSSL', async () => {
    const suites = 'cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]';
    served = await serveWeb(webYml(`${TLS}  max_version: TLS12\n  ${suites}\n`));
    const answer = await call(served.url, '/-/healthy', { ca: pem('ca.crt') });
    expect([answer.protocol, answer.cipher]).toEqual(['TLSv1.2', 'ECDHE-ECDSA-AES256-GCM-SHA384']);
    await served.close();

    served = await serveWeb(webYml(`${TLS}  min_version: TLS13\n`));
    expect((await call(served.url, '/-/healthy', { ca: pem('ca.crt') })).protocol).toBe('TLSv1.3');
    await expect(
      call(served.url, '/-/healthy', { ca: pem('ca.crt'), maxVersion: 'TLSv1.2' }),
    ).rejects.toThrow(/protocol version|alert/i);
  });

  it('serves a rotated certificate at the next handshake, and keeps the old one when the new pair is broken', async () => {
    // Its own pair, so the other tests keep a valid server.crt.
    certs.makeLeaf('rotating', 'ca', 'DNS:localhost,IP:127.0.0.1');
    served = await serveWeb(webYml(TLS.replaceAll('server.', 'rotating.')));
    const before = serial('rotating.crt');
    expect((await call(served.url, '/metrics', { ca: pem('ca.crt') })).serverSerial).toBe(before);

    // As cert-manager or a deploy script would: new files written beside, then renamed over.
    certs.makeLeaf('server-next', 'ca', 'DNS:localhost,IP:127.0.0.1');
    renameSync(certs.path('server-next.crt'), certs.path('rotating.crt'));
    renameSync(certs.path('server-next.key'), certs.path('rotating.key'));
    const after = serial('rotating.crt');
    expect(after).not.toBe(before);
    expect((await call(served.url, '/metrics', { ca: pem('ca.crt') })).serverSerial).toBe(after);

    // A certificate whose key is not (yet) there: the last good pair stays in use, and the log says why.
    writeFileSync(certs.path('rotating.crt'), pem('stranger.crt'));
    expect((await call(served.url, '/metrics', { ca: pem('ca.crt') })).serverSerial).toBe(after);
    const failure = served.logs.find(
      (log) => log.msg === 'web config reload failed; keeping the previous one',
    );
    expect(failure?.errors).toEqual([
      `${certs.path('web.yml')}:3: tls_server_config.key_file: "rotating.key" does not match the certificate in cert_file`,
    ]);
    expect(JSON.stringify(served.logs)).not.toContain('PRIVATE KEY');
  });
});

describe("the server certificate's validity", () => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const notAfter = (name: string) => new X509Certificate(pem(name)).validTo;
  const warningsOf = (logs: WebServed['logs']) =>
    logs.filter((log) => /^the TLS server certificate/.test(String(log.msg)));
  const NOT_AFTER_METRIC = /^aliyun_dms_datatrack_web_tls_certificate_not_after_timestamp_seconds (\S+)$/m;

  it('is exported as the NotAfter timestamp, and says nothing while the certificate is valid', async () => {
    served = await serveWeb(webYml(TLS));
    const metrics = await call(served.url, '/metrics', { ca: pem('ca.crt') });
    expect(Number(NOT_AFTER_METRIC.exec(metrics.body)?.[1])).toBe(Date.parse(notAfter('server.crt')) / 1000);
    expect(warningsOf(served.logs)).toEqual([]);
  });

  it('is warned about when the certificate has expired, at start and at each reload', async () => {
    certs.makeLeaf('expiring', 'ca', 'DNS:localhost,IP:127.0.0.1');
    // The test certificates are valid for two days: three days on, this one has expired.
    served = await serveWeb(webYml(TLS.replaceAll('server.', 'expiring.')), {
      clock: fixedClock(Date.now() + 3 * DAY_MS),
    });
    const expired = {
      level: 'warn',
      msg: 'the TLS server certificate has expired: clients that verify it refuse to connect',
      file: certs.path('expiring.crt'),
      not_after: new Date(notAfter('expiring.crt')).toISOString(),
    };
    expect(warningsOf(served.logs)).toMatchObject([expired]);

    certs.makeLeaf('expiring-next', 'ca', 'DNS:localhost,IP:127.0.0.1');
    renameSync(certs.path('expiring-next.crt'), certs.path('expiring.crt'));
    renameSync(certs.path('expiring-next.key'), certs.path('expiring.key'));
    const metrics = await call(served.url, '/metrics', { ca: pem('ca.crt') });
    const again = { ...expired, not_after: new Date(notAfter('expiring.crt')).toISOString() };
    expect(warningsOf(served.logs)).toMatchObject([expired, again]);
    expect(Number(NOT_AFTER_METRIC.exec(metrics.body)?.[1])).toBe(
      Date.parse(notAfter('expiring.crt')) / 1000,
    );
  });

  it('is warned about when the certificate is not valid yet', async () => {
    served = await serveWeb(webYml(TLS), { clock: fixedClock(Date.now() - DAY_MS) });
    expect(warningsOf(served.logs)).toMatchObject([
      {
        level: 'warn',
        msg: 'the TLS server certificate is not valid yet: clients that verify it refuse to connect',
        file: certs.path('server.crt'),
        not_before: new Date(new X509Certificate(pem('server.crt')).validFrom).toISOString(),
      },
    ]);
  });
});

describe('client certificates (mTLS)', () => {
  const mtls = (type: string, extra = '') =>
    webYml(`${TLS}  client_auth_type: ${type}\n  client_ca_file: ca.crt\n${extra}`);
  const refused = /ECONNRESET|socket hang up|certificate|alert/i;

  it('RequireAndVerifyClientCert: a certificate from the CA is let in; none, or one from another CA, is not', async () => {
    served = await serveWeb(mtls('RequireAndVerifyClientCert'));
    expect((await call(served.url, '/metrics', clientCert('prometheus'))).status).toBe(200);
    await expect(call(served.url, '/metrics', { ca: pem('ca.crt') })).rejects.toThrow(refused);
    await expect(call(served.url, '/metrics', clientCert('intruder'))).rejects.toThrow(refused);
  });

  it('VerifyClientCertIfGiven: no certificate is fine, an untrusted one is not', async () => {
    served = await serveWeb(mtls('VerifyClientCertIfGiven'));
    expect((await call(served.url, '/metrics', { ca: pem('ca.crt') })).status).toBe(200);
    expect((await call(served.url, '/metrics', clientCert('prometheus'))).status).toBe(200);
    await expect(call(served.url, '/metrics', clientCert('intruder'))).rejects.toThrow(refused);
    expect(served.logs.some((log) => log.msg === 'TLS client refused')).toBe(true);
  });

  it('RequireAnyClientCert: any certificate is let in, none is not', async () => {
    served = await serveWeb(webYml(`${TLS}  client_auth_type: RequireAnyClientCert\n`));
    expect((await call(served.url, '/metrics', clientCert('intruder'))).status).toBe(200);
    await expect(call(served.url, '/metrics', { ca: pem('ca.crt') })).rejects.toThrow(refused);
  });

  it('client_allowed_sans: only a certificate naming an allowed SAN is let in', async () => {
    served = await serveWeb(
      mtls('RequireAndVerifyClientCert', "  client_allowed_sans: ['spiffe://example/prometheus']\n"),
    );
    expect((await call(served.url, '/metrics', clientCert('prometheus'))).status).toBe(200);
    await expect(call(served.url, '/metrics', clientCert('stranger'))).rejects.toThrow(refused);
  });

  it('keeps client_auth_type until a restart, saying so', async () => {
    served = await serveWeb(mtls('RequireAndVerifyClientCert'));
    writeFileSync(certs.path('web.yml'), TLS);
    await expect(call(served.url, '/metrics', { ca: pem('ca.crt') })).rejects.toThrow(refused);
    expect(served.logs.map((log) => log.msg)).toContain(
      'web config change needs a restart (client_auth_type changed); keeping the previous one',
    );
  });
});
