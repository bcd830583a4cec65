import type { Node } from 'yaml';
import { isNode, isSeq } from 'yaml';
import type { YAMLSeq } from 'yaml';
import { indexPath, report } from './context.js';
import type { Context } from './context.js';
import { DEFAULT_PROFILE_NAME } from './defaults.js';
import { readPositiveInteger, readString, reportMissing } from './fields.js';
import { anchorOf, fieldPath, isSet, openSection, shown, valueNode, valueOf } from './nodes.js';
import type { Section } from './nodes.js';
import type { ProfilesResult } from './profiles.js';
import type { Order } from './types.js';

const ORDER_KEYS = ['id', 'name', 'profile', 'tid'];

/** The `orders` list; absent or empty means no orders (the exporter then exports only its own metrics). */
export function readOrders(
  ctx: Context,
  node: Node | undefined,
  profiles: ProfilesResult,
): Order[] | undefined {
  if (node === undefined) return [];
  if (!isSeq(node)) {
    report(ctx, 'orders', node, `must be a list, got ${shown(ctx, node)}`);
    return undefined;
  }
  const errorsBefore = ctx.errors.length;
  const orders: Order[] = [];
  const firstIndexById = new Map<number, number>();
  node.items.forEach((item, index) => {
    const section = openItem(ctx, node, item, index);
    if (section === undefined) return;
    const { id, order } = readOrder(section, profiles);
    if (id === undefined) return;
    checkDuplicate(section, id, index, firstIndexById);
    if (order !== undefined) orders.push(order);
  });
  return ctx.errors.length > errorsBefore ? undefined : orders;
}

function checkDuplicate(
  section: Section,
  id: number,
  index: number,
  firstIndexById: Map<number, number>,
): void {
  const first = firstIndexById.get(id);
  if (first === undefined) {
    firstIndexById.set(id, index);
    return;
  }
  const reason = `duplicate order id ${id}, first at orders[${first}]`;
  report(section.ctx, fieldPath(section, 'id'), valueOf(section, 'id'), reason);
}

function openItem(ctx: Context, list: YAMLSeq, item: unknown, index: number): Section | undefined {
  const path = indexPath('orders', index);
  const node = valueNode(ctx, item);
  if (node === undefined) {
    // `-` alone: a null scalar, which valueNode reads as "not set".
    report(ctx, path, isNode(item) ? item : list, 'must be a mapping, got an empty item');
    return undefined;
  }
  return openSection(ctx, node, path, ORDER_KEYS);
}

interface ReadOrder {
  /** The id when it is valid, even if the order is not: duplicates are still worth reporting. */
  readonly id: number | undefined;
  readonly order: Order | undefined;
}

/** One order; `order` is undefined after reporting what is wrong with it. */
function readOrder(section: Section, profiles: ProfilesResult): ReadOrder {
  const ctx = section.ctx;
  const errorsBefore = ctx.errors.length;
  const id = readPositiveInteger(section, 'id');
  if (!isSet(section, 'id')) reportMissing(section, 'id');
  const name = readString(section, 'name') ?? '';
  // A profile that is given but unreadable (say, an unset ${VAR}) is reported; it is not "default".
  const profileName = isSet(section, 'profile') ? readString(section, 'profile') : DEFAULT_PROFILE_NAME;
  const tid = readPositiveInteger(section, 'tid');
  const known = profileName !== undefined && checkProfile(section, profileName, profiles);
  const profile = profileName === undefined ? undefined : profiles.profiles.get(profileName);
  // A profile that is named but broken has been reported under profiles already.
  if (id === undefined || !known || profile === undefined || ctx.errors.length > errorsBefore) {
    return { id, order: undefined };
  }
  return { id, order: { id, name, profile: profileName, tid: tid ?? profile.tid } };
}

function checkProfile(section: Section, name: string, profiles: ProfilesResult): boolean {
  if (profiles.names.includes(name)) return true;
  const implicit = isSet(section, 'profile') ? '' : ' (the default when profile is not set)';
  const defined = profiles.names.length === 0 ? 'none' : profiles.names.join(', ');
  const reason = `unknown profile "${name}"${implicit}; defined profiles: ${defined}`;
  const where = valueOf(section, 'profile') ?? anchorOf(section, 'profile');
  report(section.ctx, fieldPath(section, 'profile'), where, reason);
  return false;
}
