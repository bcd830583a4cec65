// The Alibaba default credential chain, made to recover from a failure. Part of the DMS seam: only
// src/dms/ imports the Alibaba SDK packages (CommonJS, loaded with require(); see sign.ts).
import { createRequire } from 'node:module';
import type CredentialsModule from '@alicloud/credentials';

type Credential = CredentialsModule.default;
type CredentialModel = Awaited<ReturnType<Credential['getCredential']>>;

const require = createRequire(import.meta.url);
let RecoveringDefaultChain: (new () => Credential) | undefined;

/**
 * A default chain for a profile without an access key. @alicloud/credentials (about 90 ms of CPU to
 * load alone) is required here, on first use, rather than when this module is imported:
 * a configuration whose profiles all set their keys never loads it. A broken install still fails
 * loudly, when the first such profile's client is made (at start-up or at a reload).
 */
export function createDefaultChain(): Credential {
  RecoveringDefaultChain ??= recoveringChainClass(
    (require('@alicloud/credentials') as typeof CredentialsModule).default,
  );
  return new RecoveringDefaultChain();
}

/**
 * @alicloud/credentials 2.4.7 remembers the last provider it *tried*, even one that failed: after
 * one failed walk of the chain (the ECS metadata service slow at boot, a credentials file mounted a
 * moment late) it asks only its last provider, the credentials-URI one even when no URI is set, for
 * the life of the process. Concurrent first calls also race on that memory. This subclass shares one
 * lookup between concurrent calls and starts a fresh chain after a failure, so the next scrape walks
 * the whole chain again. A failure without an error code becomes `InvalidCredentials`, the SDK's own
 * code for "no credentials", so it is counted and alerted on as an authentication problem.
 */
function recoveringChainClass(Credential: typeof CredentialsModule.default): new () => Credential {
  return class RecoveringDefaultChain extends Credential {
    #chain = new Credential();
    #pending: Promise<CredentialModel> | undefined;

    override getCredential(): Promise<CredentialModel> {
      this.#pending ??= this.#chain
        .getCredential()
        .catch((err: unknown) => {
          this.#chain = new Credential();
          throw withCode(err, 'InvalidCredentials');
        })
        .finally(() => {
          this.#pending = undefined;
        });
      return this.#pending;
    }
  };
}

function withCode(err: unknown, code: string): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  return typeof (error as { code?: unknown }).code === 'string' ? error : Object.assign(error, { code });
}
