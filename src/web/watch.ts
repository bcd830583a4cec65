import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import type { WebConfig } from './load.js';

// The toolkit reads its web config file on every request and its certificates on every handshake.
// This does the cheap equivalent: on every connection and request it looks at the files' metadata
// (a few stat calls) and reads them again only when one changed. A file that fails to load keeps
// the previous configuration in force and is logged; it is tried again at its next change.

export interface WebConfigWatch {
  current(): WebConfig;
  /** Reads the files again if any of them changed since the last look. */
  refresh(): void;
}

export interface WatchOptions {
  readonly logger: Logger;
  /** Told about each configuration that replaces the current one (e.g. to install new certificates). */
  readonly onChange: (next: WebConfig) => void;
}

export function watchWebConfig(first: WebConfig, options: WatchOptions): WebConfigWatch {
  let current = first;
  let seen = fingerprint(first.files);

  const reload = (): void => {
    const loaded = current.reread();
    if (!loaded.ok) {
      options.logger.error({ errors: loaded.error }, 'web config reload failed; keeping the previous one');
      return;
    }
    const refused = restartNeeded(current, loaded.value);
    if (refused !== undefined) {
      options.logger.error(
        { file: current.file },
        `web config change needs a restart (${refused}); keeping the previous one`,
      );
      return;
    }
    current = loaded.value;
    // The new file may name other certificate files: watch those from now on.
    seen = fingerprint(current.files);
    options.onChange(current);
    options.logger.info({ file: current.file }, 'web config reloaded');
  };

  return {
    current: () => current,
    refresh() {
      const now = fingerprint(current.files);
      if (now === seen) return;
      seen = now;
      reload();
    },
  };
}

/**
 * What a running server cannot change: whether it speaks TLS, and whether it asks for client
 * certificates (Node fixes both when the server is made).
 */
function restartNeeded(before: WebConfig, after: WebConfig): string | undefined {
  const tlsBefore = before.settings.tls;
  const tlsAfter = after.settings.tls;
  if ((tlsBefore === undefined) !== (tlsAfter === undefined)) return 'TLS turned on or off';
  if (tlsBefore?.clientAuth !== tlsAfter?.clientAuth) return 'client_auth_type changed';
  return undefined;
}

/** Identity, size and change times of each file (nanoseconds, so two writes in a millisecond differ). */
function fingerprint(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        const stat = statSync(file, { bigint: true });
        return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
      } catch {
        return 'unreadable'; // the reload that follows says why
      }
    })
    .join('|');
}
