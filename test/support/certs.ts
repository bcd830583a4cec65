import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Test certificates made by openssl in a temp dir: EC P-256 keys (milliseconds to make, unlike RSA).

export interface CertDir {
  readonly dir: string;
  /** Absolute path of a file in the dir. */
  path(name: string): string;
  /** A CA: NAME.crt and NAME.key. */
  makeCa(name: string): void;
  /**
   * A leaf certificate NAME.crt with key NAME.key, signed by CA `ca`, with the given subject
   * alternative names (e.g. `DNS:localhost,IP:127.0.0.1`) and client and server use.
   */
  makeLeaf(name: string, ca: string, subjectAltNames: string): void;
  remove(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCertDir(prefix = 'dms-web-certs-'): CertDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let serial = 1;
  return {
    dir,
    path: (name) => join(dir, name),
    makeCa(name) {
      openssl(
        [
          'req',
          '-x509',
          ...EC_KEY,
          '-keyout',
          `${name}.key`,
          '-out',
          `${name}.crt`,
          '-subj',
          `/CN=${name}`,
          '-days',
          '2',
        ],
        dir,
      );
    },
    makeLeaf(name, ca, subjectAltNames) {
      openssl(
        ['req', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`],
        dir,
      );
      writeFileSync(
        join(dir, `${name}.ext`),
        `subjectAltName=${subjectAltNames}\nextendedKeyUsage=serverAuth,clientAuth\n`,
      );
      serial += 1;
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${name}.csr`,
          '-CA',
          `${ca}.crt`,
          '-CAkey',
          `${ca}.key`,
          '-set_serial',
          String(serial),
          '-out',
          `${name}.crt`,
          '-days',
          '2',
          '-extfile',
          `${name}.ext`,
        ],
        dir,
      );
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
