import type { Node } from 'yaml';
import { childPath, report } from './context.js';
import type { Context } from './context.js';
import { CREDENTIAL_KEYS, readCredentials } from './credentials.js';
import {
  DEFAULT_ENDPOINT,
  DEFAULT_PROTOCOL,
  DEFAULT_SIGNATURE_ALGORITHM,
  IMPLICIT_PROFILE,
  SIGNATURE_ALGORITHMS,
} from './defaults.js';
import { readChoice, readPositiveInteger, readString } from './fields.js';
import { fieldPath, openSection, valueOf } from './nodes.js';
import type { Section } from './nodes.js';
import type { Profile } from './types.js';

const PROFILE_KEYS = ['endpoint', 'protocol', 'tid', 'signature_algorithm', ...CREDENTIAL_KEYS];
const PROTOCOLS = ['http', 'https'] as const;
// Names become key paths (profiles.NAME.endpoint) and may become label values: keep them plain.
const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;
// host, IPv4 or [IPv6], then an optional port. Anything with a scheme or a path fails this.
const ENDPOINT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

export interface ProfilesResult {
  /** The valid profiles. */
  readonly profiles: ReadonlyMap<string, Profile>;
  /** Every name written, valid or not, so an order naming a broken profile is not also "unknown". */
  readonly names: readonly string[];
}

/** The `profiles` section; left out, it is the one implicit `default` profile. */
export function readProfiles(ctx: Context, node: Node | undefined): ProfilesResult {
  if (node === undefined) {
    return { profiles: new Map([[IMPLICIT_PROFILE.name, IMPLICIT_PROFILE]]), names: [IMPLICIT_PROFILE.name] };
  }
  const section = openSection(ctx, node, 'profiles', undefined);
  if (section === undefined) return { profiles: new Map(), names: [] };
  if (section.fields.size === 0) {
    report(
      ctx,
      'profiles',
      node,
      'must define at least one profile (leave profiles out for the default one)',
    );
  }
  const profiles = new Map<string, Profile>();
  for (const [name, field] of section.fields) {
    if (!PROFILE_NAME.test(name)) {
      report(ctx, 'profiles', field.key, `profile name "${name}" may use only letters, digits, "_" and "-"`);
      continue;
    }
    const profile = readProfile(ctx, name, field.value);
    if (profile !== undefined) profiles.set(name, profile);
  }
  return { profiles, names: [...section.fields.keys()] };
}

function readProfile(ctx: Context, name: string, node: Node | undefined): Profile | undefined {
  const section = openSection(ctx, node, childPath('profiles', name), PROFILE_KEYS);
  if (section === undefined) return undefined;
  const errorsBefore = ctx.errors.length;
  const endpoint = readEndpoint(section);
  const protocol = readChoice(section, 'protocol', PROTOCOLS);
  const tid = readPositiveInteger(section, 'tid');
  const signatureAlgorithm = readChoice(section, 'signature_algorithm', SIGNATURE_ALGORITHMS);
  const credentials = readCredentials(section);
  if (credentials === undefined || ctx.errors.length > errorsBefore) return undefined;
  return {
    name,
    endpoint: endpoint ?? DEFAULT_ENDPOINT,
    protocol: protocol ?? DEFAULT_PROTOCOL,
    tid,
    signatureAlgorithm: signatureAlgorithm ?? DEFAULT_SIGNATURE_ALGORITHM,
    credentials,
  };
}

/** The SDK takes protocol and host separately, so a URL here would be a silent misconfiguration. */
function readEndpoint(section: Section): string | undefined {
  const endpoint = readString(section, 'endpoint');
  if (endpoint === undefined) return undefined;
  const port = ENDPOINT.exec(endpoint)?.[1];
  const valid =
    ENDPOINT.test(endpoint) && (port === undefined || (Number(port) >= 1 && Number(port) <= 65535));
  if (!valid) {
    const reason = `must be host[:port], without http:// or a path; got "${endpoint}"`;
    report(section.ctx, fieldPath(section, 'endpoint'), valueOf(section, 'endpoint'), reason);
    return undefined;
  }
  return endpoint;
}
