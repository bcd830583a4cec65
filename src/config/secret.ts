import { inspect } from 'node:util';

const REDACTED = '<secret>';

/**
 * A credential value that refuses to be printed. Logging, JSON-encoding or string-formatting it
 * yields a placeholder, so a config object can be logged or thrown without leaking keys.
 * Only `reveal()` gives the value, and only the DMS client calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Where a secret comes from: written in the config (or `${VAR}`), or a file that is read when the
 * secret is used, so a rotated Kubernetes Secret or a refreshed STS token needs no reload.
 */
export type SecretSource =
  { readonly kind: 'literal'; readonly secret: Secret } | { readonly kind: 'file'; readonly path: string };
