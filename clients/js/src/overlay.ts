/**
 * Optimistic state as an overlay: the UI sees the server's copy with the user's pending
 * writes applied on top, in their order. The server's copy only ever changes by the
 * server's events and answers; the overlay only by writes being queued and settled. So
 * an event rebases the overlay for free (it is recomputed on top of the new copy), and a
 * refused write simply leaves it, taking its values off the screen.
 */
import type { WriteTarget } from "./queue.js";

/** Any entity as kept: an id, a version (0 until the server has it), its fields. */
export interface StoredEntity {
  id: string;
  version: number;
  [field: string]: unknown;
}

/** One pending write, as the overlay needs it. */
export interface PendingOp extends WriteTarget {
  n: number;
}

/**
 * The entity as the UI shows it: `base` (the server's, `undefined` if it has none) with
 * `ops` (this entity's pending writes, in order) applied. `undefined`: not to be shown.
 */
export function overlayEntity(base: StoredEntity | undefined, ops: readonly PendingOp[]): StoredEntity | undefined {
  let e = base;
  for (const op of ops) {
    switch (op.kind) {
      case "delete":
        e = undefined;
        break;
      case "create":
        // Once the server's copy exists (its event came before our answer), it is the one.
        e = e ?? { ...op.fields, id: op.id, version: 0 };
        break;
      case "update":
        if (e) e = { ...e, ...op.fields };
        break;
    }
  }
  return e;
}

/** What a UI says when the server refused a write: which entity, which fields, why. */
export interface Rollback {
  productionId: string;
  path: string;
  id: string;
  kind: WriteTarget["kind"];
  fields: string[];
  status: number;
  /** The server's stable code (`FORBIDDEN`, `VERSION_CONFLICT`…), when it gave one. */
  code: string | null;
  reason: string;
}

export function rollbackOf(productionId: string, op: WriteTarget, status: number, body: unknown): Rollback {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
  const reason = typeof b.message === "string" ? b.message : typeof b.error === "string" ? b.error : `HTTP ${status}`;
  return {
    productionId,
    path: op.path,
    id: op.id,
    kind: op.kind,
    fields: Object.keys(op.fields).filter((f) => f !== "id" && f !== "version"),
    status,
    // Ours answer {"error": "<code>", "message"}; the original's {"error": "<text>"}.
    code: typeof b.code === "string" ? b.code : typeof b.error === "string" && typeof b.message === "string" ? b.error : null,
    reason,
  };
}
