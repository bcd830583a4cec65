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
