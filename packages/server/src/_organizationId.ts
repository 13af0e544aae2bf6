/**
 * The organization id a store gives a workspace it has no id for.
 *
 * @internal
 * @module
 */

/**
 * A stable organization id for a workspace name (FNV-1a, 6 digits): the
 * id both stores give (`KvCollectionStore.ts` re-exports it), kept free
 * of Deno types so runtime-neutral stores can use it.
 */
export const organizationIdOf = (workspace: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < workspace.length; i++) {
    hash ^= workspace.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 100_000 + (hash % 900_000);
};
