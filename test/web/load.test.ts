import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readWebConfigFile } from '../../src/web/load.js';
import { makeCertDir } from '../support/certs.js';

// The web config file and the files it names are read on the event loop (before a TLS handshake):
// each must be a regular file, and anything else is refused at once, by what it is.

const certs = makeCertDir();
certs.makeCa('ca');
certs.makeLeaf('server', 'ca', 'DNS:localhost');
execFileSync('mkfifo', [certs.path('fifo')]);
mkdirSync(certs.path('directory'));
afterAll(() => certs.remove());

function webFile(text: string): string {
  writeFileSync(certs.path('web.yml'), text);
  return certs.path('web.yml');
}

describe('readWebConfigFile', () => {
  it('refuses a web config file that is a named pipe or a directory', () => {
    const cases = [
      ['fifo', 'a named pipe (FIFO)'],
      ['directory', 'a directory'],
    ] as const;
    for (const [name, what] of cases) {
      expect(readWebConfigFile(certs.path(name))).toEqual({
        ok: false,
        error: [`${certs.path(name)}: cannot read web config file: is ${what}, not a regular file`],
      });
    }
  });

  it('refuses a certificate or key that is a named pipe, a directory or a device', () => {
    const path = webFile(
      'tls_server_config:\n  cert_file: fifo\n  key_file: /dev/zero\n  client_ca_file: directory\n  client_auth_type: RequireAndVerifyClientCert\n',
    );
    expect(readWebConfigFile(path)).toEqual({
      ok: false,
      error: [
        `${path}:2: tls_server_config.cert_file: cannot read "fifo": is a named pipe (FIFO), not a regular file`,
        `${path}:3: tls_server_config.key_file: cannot read "/dev/zero": is a character device, not a regular file`,
        `${path}:4: tls_server_config.client_ca_file: cannot read "directory": is a directory, not a regular file`,
      ],
    });
  });
});
