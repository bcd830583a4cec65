import { stat } from 'node:fs/promises';
import { readSmallFileAsync } from 'yaml-files/basics';
import type { Credentials } from '../config/schema.js';
import type { SecretSource } from '../config/secret.js';

const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * What sign.ts signs a request with: the key pair, an STS token if any, and the provider name sent
 * in `x-acs-credentials-provider`. The default chain (default-chain.ts) answers in this shape too.
 */
export interface CredentialModel {
  readonly type: 'access_key' | 'sts';
  readonly providerName: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string | undefined;
}

/**
 * The code of an error getCredential() throws when a secret file was never readable; the client
 * reports it as the call's error code (classify-error.ts keeps an error's own code).
 */
export const SECRET_UNREADABLE = 'secret_unreadable';

/**
 * The credentials of a profile with an access key: reads `*_file` secrets when a call needs them
 * and again whenever the file changes (size, time or inode), so a rotated Kubernetes Secret or a
 * refreshed STS token is picked up by the next call without a reload. A file that becomes unreadable
 * keeps its last value.
 */
export class FileBackedCredential {
  readonly #credentials: Extract<Credentials, { kind: 'access_key' }>;
  readonly #files = new Map<string, { version: string; value: string; stale: boolean }>();
  /** Per file, the check running now (and the one queued after it): concurrent calls share them. */
  readonly #checks = new Map<string, Check>();
  readonly #onStale: (path: string, reason: string) => void;

  /** `onStale` is told once each time a file that was read becomes unreadable (its last value is kept). */
  constructor(
    credentials: Extract<Credentials, { kind: 'access_key' }>,
    onStale: (path: string, reason: string) => void = () => undefined,
  ) {
    this.#credentials = credentials;
    this.#onStale = onStale;
  }

  async getCredential(): Promise<CredentialModel> {
    const { accessKeyId, accessKeySecret, securityToken } = this.#credentials;
    const [secret, token] = await Promise.all([
      this.#resolve(accessKeySecret),
      securityToken === undefined ? undefined : this.#resolve(securityToken),
    ]);
    return {
      type: token === undefined ? 'access_key' : 'sts',
      providerName: token === undefined ? 'static_ak' : 'static_sts',
      accessKeyId,
      accessKeySecret: secret,
      securityToken: token,
    };
  }

  #resolve(source: SecretSource): Promise<string> {
    if (source.kind === 'literal') return Promise.resolve(source.secret.reveal());
    const running = this.#checks.get(source.path);
    if (running === undefined) return this.#startCheck(source.path);
    // The running check may have looked at the file before this call began, and so missed a change
    // made since: this call waits for the next check, which every call arriving meanwhile shares.
    running.next ??= running.done.then(
      () => this.#startCheck(source.path),
      () => this.#startCheck(source.path),
    );
    return running.next;
  }

  #startCheck(path: string): Promise<string> {
    const check: Check = { done: this.#check(path), next: undefined };
    this.#checks.set(path, check);
    const forget = (): void => {
      if (this.#checks.get(path) === check) this.#checks.delete(path);
    };
    void check.done.then(forget, forget);
    return check.done;
  }

  async #check(path: string): Promise<string> {
    const cached = this.#files.get(path);
    try {
      const info = await stat(path);
      const version = `${info.ino}:${info.size}:${info.mtimeMs}`;
      if (cached?.version === version) {
        // Readable again, unchanged: a later outage is a new one and is told again.
        cached.stale = false;
        return cached.value;
      }
      const value = await readSecretFile(path);
      this.#files.set(path, { version, value, stale: false });
      return value;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (cached !== undefined) {
        if (!cached.stale) this.#onStale(path, reason);
        cached.stale = true;
        return cached.value;
      }
      throw Object.assign(new Error(`cannot read secret file ${path}: ${reason}`), {
        code: SECRET_UNREADABLE,
      });
    }
  }
}

interface Check {
  readonly done: Promise<string>;
  next: Promise<string> | undefined;
}

/** Through the toolkit's reader: a named pipe or a device swapped in is refused, never waited on. */
async function readSecretFile(path: string): Promise<string> {
  const bytes = await readSmallFileAsync(path, MAX_SECRET_FILE_BYTES);
  if (!bytes.ok) throw new Error(bytes.error);
  // Files written by `echo` or editors end in a newline that is not part of the key.
  const value = bytes.value.toString('utf8').replace(/\r?\n$/, '');
  if (value === '') throw new Error('the file is empty');
  return value;
}
