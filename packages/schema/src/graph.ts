import { ENTITIES, ENTITY_TYPES, type EntityType, FOREIGN_KEYS, type ForeignKey } from './entities';

/**
 * Orders nodes so that every edge's parent comes before its child (Kahn's algorithm).
 * Among nodes that are ready at the same time, the one declared first goes first, so the
 * result is deterministic. Throws on a cycle: a cyclic declaration could never be pushed.
 */
export function topologicalOrder<T extends string>(
  nodes: readonly T[],
  edges: readonly { child: T; parent: T }[],
): T[] {
  const parentsLeft = new Map<T, number>(nodes.map((n) => [n, 0]));
  const children = new Map<T, T[]>(nodes.map((n) => [n, []]));
  for (const { child, parent } of edges) {
    if (child === parent) continue; // a self-reference orders nothing between stores
    if (!parentsLeft.has(child) || !parentsLeft.has(parent))
      throw new Error(`unknown node in edge ${parent}->${child}`);
    parentsLeft.set(child, (parentsLeft.get(child) ?? 0) + 1);
    children.get(parent)?.push(child);
  }
  const order: T[] = [];
  const done = new Set<T>();
  while (order.length < nodes.length) {
    const next = nodes.find((n) => !done.has(n) && parentsLeft.get(n) === 0);
    if (next === undefined) {
      const stuck = nodes.filter((n) => !done.has(n));
      throw new Error(`dependency cycle among: ${stuck.join(', ')}`);
    }
    done.add(next);
    order.push(next);
    for (const child of children.get(next) ?? []) parentsLeft.set(child, (parentsLeft.get(child) ?? 0) - 1);
  }
  return order;
}

function edgesOf(keys: readonly ForeignKey[]) {
  return keys.map((fk) => ({ child: fk.entityType, parent: fk.references }));
}

/**
 * All 12 entity stores, parents before children. Upserts (pulled pages, full refreshes) apply
 * in this order so that no row lands before the row it points at.
 */
export const DEPENDENCY_ORDER: readonly EntityType[] = topologicalOrder(ENTITY_TYPES, edgesOf(FOREIGN_KEYS));

/** The order in which pending changes are pushed: the dependency order without read-only stores. */
export const PUSH_ORDER: readonly EntityType[] = DEPENDENCY_ORDER.filter((t) => !ENTITIES[t].readOnly);

/** Upserts of a pulled page apply parents first. */
export const UPSERT_ORDER: readonly EntityType[] = DEPENDENCY_ORDER;

/** Deletes apply children first, so a parent never goes while a child still points at it. */
export const DELETE_ORDER: readonly EntityType[] = [...DEPENDENCY_ORDER].reverse();

/** The rank of an entity type in the dependency order (lower = parent). */
export function dependencyRank(type: EntityType): number {
  return DEPENDENCY_ORDER.indexOf(type);
}
