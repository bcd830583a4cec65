import type { Document, LineCounter, Node } from 'yaml';

export type Env = Readonly<Record<string, string | undefined>>;
export type SecretFileReader = (path: string) => string | Error;

/** Everything one parse needs, plus the list it appends problems to (all of them, not just the first). */
export interface Context {
  readonly fileName: string;
  readonly text: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  readonly env: Env;
  readonly readSecretFile: SecretFileReader;
  readonly errors: Problem[];
}

/** One formatted message and the line it is about (0 when none), for sorting. */
export interface Problem {
  readonly line: number;
  readonly message: string;
}

/** `FILE:LINE: PATH: reason`; the line is left out when there is no node to point at, the path at the root. */
export function report(ctx: Context, path: string, node: Node | undefined, reason: string): void {
  const line = node?.range ? ctx.lineCounter.linePos(node.range[0]).line : 0;
  const where = path === '' ? '' : `${path}: `;
  ctx.errors.push({ line, message: `${ctx.fileName}${line === 0 ? '' : `:${line}`}: ${where}${reason}` });
}

export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
