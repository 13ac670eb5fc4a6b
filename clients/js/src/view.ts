/**
 * Immutable snapshots of an open production for UIs (React's `useSyncExternalStore`,
 * Svelte stores, plain callbacks), with structural sharing: an entity that did not change
 * keeps its object and a list in which nothing changed keeps its array, so a UI re-renders
 * exactly what changed.
 */
import { overlayEntity, type PendingOp, type StoredEntity } from "./overlay.js";
import type { EntityPath, EntityTypes, Production } from "./types.js";

export interface ProductionView {
  readonly seq: number;
  /** Joined and current with the server. */
  readonly live: boolean;
  /** Shown from the device's cache, not yet confirmed by the server this session. */
  readonly fromCache: boolean;
  readonly production: Production | null;
  readonly entities: { readonly [P in EntityPath]?: readonly EntityTypes[P][] };
  /** Your writes here the server has not answered yet. */
  readonly pending: number;
}

interface Memo {
  base: StoredEntity | undefined;
  ops: readonly PendingOp[];
  out: StoredEntity | undefined;
}

const NO_OPS: readonly PendingOp[] = [];

function sameOps(a: readonly PendingOp[], b: readonly PendingOp[]): boolean {
  return a.length === b.length && a.every((op, i) => op === b[i]);
}

export class ViewBuilder {
  private memo = new Map<string, Map<string, Memo>>();
  private lists = new Map<string, readonly StoredEntity[]>();
  private last: ProductionView | null = null;

  build(
    base: Map<string, Map<string, StoredEntity>>,
    ops: readonly PendingOp[],
    meta: { seq: number; live: boolean; fromCache: boolean; production: Production | null },
  ): ProductionView {
    const byPath = new Map<string, Map<string, PendingOp[]>>();
    for (const op of ops) {
      const ids = byPath.get(op.path) ?? new Map<string, PendingOp[]>();
      byPath.set(op.path, ids);
      ids.set(op.id, [...(ids.get(op.id) ?? []), op]);
    }
    const paths = new Set([...base.keys(), ...byPath.keys()]);
    const entities: { [path: string]: readonly StoredEntity[] } = {};
    let same = this.last !== null && this.lists.size === paths.size;
    for (const path of paths) {
      if (path === "production") continue;
      const list = this.list(path, base.get(path) ?? new Map(), byPath.get(path) ?? new Map());
      entities[path] = list;
      same &&= this.lists.get(path) === list;
      this.lists.set(path, list);
    }
    const production = this.production(meta.production, byPath.get("production"));
    const last = this.last;
    if (
      same &&
      last &&
      last.seq === meta.seq &&
      last.live === meta.live &&
      last.fromCache === meta.fromCache &&
      last.production === production &&
      last.pending === ops.length
    ) {
      return last;
    }
    this.last = Object.freeze({ ...meta, production, entities: Object.freeze(entities), pending: ops.length }) as ProductionView;
    return this.last;
  }

  private production(p: Production | null, ops: Map<string, PendingOp[]> | undefined): Production | null {
    const mine = p ? ops?.get(p.id) : undefined;
    if (!p || !mine) return p;
    return this.entity("production", p.id, p as unknown as StoredEntity, mine) as unknown as Production;
  }

  private entity(path: string, id: string, base: StoredEntity | undefined, ops: readonly PendingOp[]): StoredEntity | undefined {
    const memos = this.memo.get(path) ?? new Map<string, Memo>();
    this.memo.set(path, memos);
    const m = memos.get(id);
    if (m && m.base === base && sameOps(m.ops, ops)) return m.out;
    const out = ops.length ? overlayEntity(base, ops) : base;
    const frozen = out && out !== base ? Object.freeze(out) : out;
    memos.set(id, { base, ops, out: frozen });
    return frozen;
  }

  private list(path: string, base: Map<string, StoredEntity>, ops: Map<string, PendingOp[]>): readonly StoredEntity[] {
    const out: StoredEntity[] = [];
    for (const [id, e] of base) {
      const shown = this.entity(path, id, e, ops.get(id) ?? NO_OPS);
      if (shown) out.push(shown);
    }
    for (const [id, mine] of ops) {
      if (base.has(id)) continue;
      const shown = this.entity(path, id, undefined, mine);
      if (shown) out.push(shown);
    }
    const memos = this.memo.get(path);
    for (const id of memos?.keys() ?? []) if (!base.has(id) && !ops.has(id)) memos?.delete(id);
    const before = this.lists.get(path);
    if (before && before.length === out.length && before.every((e, i) => e === out[i])) return before;
    return Object.freeze(out);
  }
}
