/**
 * One open production: the server's copy kept current by applying events strictly in seq
 * order (a duplicate is ignored, a gap is filled from `/changes`), your pending writes as
 * an overlay on top (src/overlay.ts), immutable snapshots for UIs (src/view.ts), presence,
 * and writes. The server's copy is kept in the device cache, so a reopen shows it at once
 * and resumes from its seq.
 */
import { Emitter } from "./events.js";
import { newId, type Answer, type ProdsyncClient } from "./client.js";
import type { Rollback, PendingOp, StoredEntity } from "./overlay.js";
import type { QueuedWrite, WriteTarget } from "./queue.js";
import { ViewBuilder, type ProductionView } from "./view.js";
import { PATH_OF, type EntityPath, type EntityTypes, type Production } from "./types.js";

export interface Focus {
  entityType: string;
  entityId: string;
  field: string;
}

export interface PresentUser {
  userId: string;
  userName: string | null;
  focus: Focus | null;
  connections: number;
}

/** A field whose newer value your write overwrote (docs/versioning.md). */
export interface Conflict {
  field: string;
  overwrittenValue: unknown;
  overwrittenBy: string | null;
  overwrittenAtVersion: number;
  yourValue: unknown;
}

/** Any entity of a production, or the production itself. */
export type AnyEntity = EntityTypes[EntityPath] | Production;

export interface Change {
  /** `cameras`, or `production` for the production itself. */
  path: EntityPath | "production";
  action: "created" | "updated" | "deleted";
  entity: AnyEntity;
  seq: number;
  userId: string | null;
  changedFields: string[];
  previous?: { [field: string]: unknown };
  /** `undo` or `redo` when the change is one; `import` when brought over from another system. */
  cause?: "undo" | "redo" | "import";
}

/** One line of the activity feed (GET …/activity). */
export interface ActivityItem {
  seq: number;
  at: string;
  userId: string | null;
  userName: string | null;
  action: string;
  entityType: string;
  entityId: string;
  entityName: string | null;
  cause: string | null;
  changes: { field: string; from: unknown; to: unknown }[];
}

/** What an undo or redo did. */
export interface UndoResult {
  seq: number | null;
  undone?: Change;
  redone?: Change;
  skippedFields: { field: string; changedBy: string | null; entityId?: string }[];
}

export interface ProductionEvents {
  change: Change;
  conflict: { path: EntityPath; id: string; conflicts: Conflict[] };
  /** Your write was refused: its values are off the screen again, and this says why. */
  rollback: Rollback;
  presence: readonly PresentUser[];
  /** The events since our seq were no longer kept: the snapshot was reloaded. */
  resync: { seq: number };
  /** Your membership was removed: nothing more arrives. */
  removed: undefined;
  /** Joined and current (after a reconnect, the missed events have been applied). */
  live: { seq: number };
}

/** What the cache keeps of a production: the server's copy only, never the overlay. */
export interface CachedProduction {
  production: Production;
  entities: { [path: string]: StoredEntity[] };
  seq: number;
}

interface Frame {
  [key: string]: unknown;
  seq?: number;
}

const NAME_OF: { [path: string]: string } = Object.fromEntries(Object.entries(PATH_OF).map(([n, p]) => [p, n]));
/** How long after the last event the copy is written to the cache. */
const CACHE_DELAY_MS = 200;

export class ProductionHandle extends Emitter<ProductionEvents> {
  readonly id: string;
  /** The last seq applied. */
  seq = 0;
  production: Production | null = null;
  live = false;
  /** Shown from the cache and not yet confirmed by the server. */
  fromCache = false;
  private client: ProdsyncClient;
  private store = new Map<string, Map<string, StoredEntity>>();
  private ops: readonly PendingOp[] = [];
  private present: readonly PresentUser[] = [];
  private early: { event: string; data: Frame }[] = [];
  private filling = false;
  private views = new ViewBuilder();
  private view: ProductionView | null = null;
  private listeners = new Set<() => void>();
  private cacheTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: ProdsyncClient, id: string) {
    super();
    this.client = client;
    this.id = id;
  }

  private base(): string {
    return `/api/productions/${this.id}`;
  }

  /** The snapshot from the server: every entity, as of `seq`. */
  async load(): Promise<void> {
    const snap = (await this.client.ok("GET", `${this.base()}/snapshot`)).body as CachedProduction;
    this.restore(snap);
    this.fromCache = false;
    this.saveNow();
  }

  /** The copy from the cache (or a snapshot). */
  restore(copy: CachedProduction): void {
    this.production = copy.production;
    this.store = new Map(Object.entries(copy.entities).map(([path, list]) => [path, new Map(list.map((e) => [e.id, e]))]));
    this.seq = copy.seq;
    this.fromCache = true;
    this.changed();
  }

  // ---- reading -------------------------------------------------------------------------

  /** The current snapshot: the same object until something changes. */
  getSnapshot = (): ProductionView => {
    this.view ??= this.views.build(this.store, this.ops, {
      seq: this.seq,
      live: this.live,
      fromCache: this.fromCache,
      production: this.production,
    });
    return this.view;
  };

  /** Calls `listener` after every change of the snapshot; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** As shown: the server's copy with your pending writes on top (a stable array). */
  list<P extends EntityPath>(path: P): readonly EntityTypes[P][] {
    return (this.getSnapshot().entities[path] ?? []) as readonly EntityTypes[P][];
  }

  get<P extends EntityPath>(path: P, id: string): EntityTypes[P] | undefined {
    return this.list(path).find((e) => (e as { id: string }).id === id);
  }

  /** Who is here now, yourself included (a stable array until someone moves). */
  presence(): readonly PresentUser[] {
    return this.present;
  }

  private changed() {
    this.view = null;
    for (const l of [...this.listeners]) l();
  }

  // ---- events ------------------------------------------------------------------------

  offline(): void {
    if (!this.live) return;
    this.live = false;
    this.changed();
  }

  onFrame(event: string, data: Frame): void {
    switch (event) {
      case "joined":
        this.live = true;
        this.fromCache = false;
        // Current now: a page closed from here on reopens from this seq.
        this.saveNow();
        this.changed();
        this.emit("live", { seq: this.seq });
        return;
      case "presence:state":
        return this.setPresence((data.users as PresentUser[]) ?? []);
      case "presence:changed": {
        const user = data.user as PresentUser;
        return this.setPresence([...this.present.filter((u) => u.userId !== user.userId), user]);
      }
      case "presence:left":
        return this.setPresence(this.present.filter((u) => u.userId !== data.userId));
      case "resync-required":
        return void this.resync();
      case "removed-from-production":
        this.live = false;
        this.changed();
        return this.emit("removed", undefined);
      case "error":
      case "left":
        return;
    }
    if (typeof data?.seq === "number") this.onEvent(event, data as Frame & { seq: number });
  }

  private setPresence(users: PresentUser[]) {
    this.present = Object.freeze(users);
    this.emit("presence", this.present);
  }

  private onEvent(event: string, data: Frame & { seq: number }) {
    if (this.filling) {
      this.early.push({ event, data });
      return;
    }
    if (data.seq <= this.seq) return; // already have it
    if (data.seq > this.seq + 1) {
      this.early.push({ event, data });
      return void this.fill();
    }
    this.apply(event, data);
  }

  /** Fetches what lies between our seq and an event that came early. */
  private async fill() {
    this.filling = true;
    try {
      const page = (await this.client.ok("GET", `${this.base()}/changes?since=${this.seq}`)).body as {
        events: { event: string; data: Frame & { seq: number } }[];
      };
      for (const e of page.events) if (e.data.seq === this.seq + 1) this.apply(e.event, e.data);
    } catch {
      // The next event or reconnect tries again.
    } finally {
      this.filling = false;
      const early = this.early.sort((a, b) => (a.data.seq ?? 0) - (b.data.seq ?? 0));
      this.early = [];
      for (const e of early) this.onEvent(e.event, e.data as Frame & { seq: number });
    }
  }

  private apply(event: string, data: Frame & { seq: number }) {
    this.seq = data.seq;
    const [prefix, action] = event.split(":") as [string, Change["action"]];
    const path = prefix === "production" ? "production" : (PATH_OF as { [k: string]: EntityPath })[prefix];
    if (path) {
      const entity = data.data as StoredEntity;
      if (path === "production") {
        if (action !== "deleted") this.production = entity as unknown as Production;
      } else {
        const m = this.store.get(path) ?? new Map<string, StoredEntity>();
        this.store.set(path, m);
        if (action === "deleted") m.delete(entity.id);
        else m.set(entity.id, entity);
      }
      // The snapshot first: a `change` handler reads the new state.
      this.changed();
      this.emit("change", {
        path,
        action,
        entity: entity as unknown as AnyEntity,
        seq: data.seq,
        userId: (data.userId as string | null) ?? null,
        changedFields: (data.changedFields as string[]) ?? [],
        previous: data.previous as Change["previous"],
        cause: data.cause as Change["cause"],
      });
    } else {
      this.changed();
    }
    this.saveSoon();
  }

  private async resync() {
    await this.load();
    this.emit("resync", { seq: this.seq });
    this.client.send("join-production", { productionId: this.id, since: this.seq });
  }

  /** The server's copy to the cache, a moment after the last change. */
  private saveSoon() {
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cacheTimer = setTimeout(() => {
      this.cacheTimer = null;
      void this.client.cacheProduction(this.id, this.copy());
    }, CACHE_DELAY_MS);
  }

  private saveNow() {
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cacheTimer = null;
    void this.client.cacheProduction(this.id, this.copy());
  }

  private copy(): CachedProduction {
    const entities: { [path: string]: StoredEntity[] } = {};
    for (const [path, m] of this.store) entities[path] = [...m.values()];
    return { production: this.production as Production, entities, seq: this.seq };
  }

  // ---- writes ------------------------------------------------------------------------

  /** Your pending writes here changed (queued, answered, refused). */
  setPending(ops: readonly PendingOp[]): void {
    const same = ops.length === this.ops.length && ops.every((o, i) => o.n === this.ops[i].n);
    if (same) return;
    this.ops = ops;
    this.changed();
  }

  private write(method: QueuedWrite["method"], url: string, body: unknown, target: WriteTarget) {
    return this.client.write(this.id, method, url, body, target);
  }

  /** Creates an entity; it shows at once, with version 0 until the server has it. */
  async create<P extends EntityPath>(path: P, body: Partial<EntityTypes[P]>): Promise<string> {
    const id = (body as { id?: string }).id ?? newId();
    const fields = { ...(body as object), id };
    await this.write("POST", `${this.base()}/${path}`, fields, { path, id, kind: "create", fields });
    return id;
  }

  /**
   * Changes some fields. The version you have goes along, so that your stale copy of a
   * field never overwrites someone's newer value; fields you change win.
   */
  async update<P extends EntityPath>(path: P, id: string, patch: Partial<EntityTypes[P]>): Promise<void> {
    const current = this.store.get(path)?.get(id);
    const body = { ...patch, ...(current && current.version > 0 ? { version: current.version } : {}) };
    const fields = { ...(patch as object) };
    await this.write("PUT", `${this.base()}/${path}/${id}`, body, { path, id, kind: "update", fields });
  }

  async remove(path: EntityPath, id: string): Promise<void> {
    await this.write("DELETE", `${this.base()}/${path}/${id}`, undefined, { path, id, kind: "delete", fields: {} });
  }

  /** The server's answer to one of our writes (sent now, or from the queue). */
  answered(w: QueuedWrite, a: Answer, rollback: Rollback | null): void {
    if (rollback) {
      this.emit("rollback", rollback);
      return;
    }
    const body = a.body as (StoredEntity & { conflicts?: Conflict[] }) | null;
    if (!body?.id || w.method === "DELETE") return;
    const store = this.store.get(w.target.path) ?? new Map<string, StoredEntity>();
    const mine = store.get(body.id);
    // The event may have come first (a newer state); keep the newest.
    if (!mine || (mine.version ?? 0) <= body.version) {
      const { changedFields: _c, conflicts: _k, ...clean } = body as StoredEntity & { changedFields?: unknown; conflicts?: unknown };
      this.store.set(w.target.path, store);
      store.set(body.id, clean as StoredEntity);
      this.changed();
    }
    const conflicts = body.conflicts ?? [];
    if (conflicts.length) this.emit("conflict", { path: w.target.path as EntityPath, id: body.id, conflicts });
  }

  // ---- presence, undo, activity --------------------------------------------------------

  /** Tells the others which field you are editing. */
  focus(path: EntityPath, id: string, field: string): void {
    this.client.send("presence:update", { productionId: this.id, focus: { entityType: NAME_OF[path], entityId: id, field } });
  }

  blur(): void {
    this.client.send("presence:update", { productionId: this.id, focus: null });
  }

  /** Undoes your latest write here; `null` when there is nothing to undo. */
  async undo(): Promise<UndoResult | null> {
    const a = await this.client.request("POST", `${this.base()}/undo`);
    return a.status === 200 ? (a.body as UndoResult) : null;
  }

  async redo(): Promise<UndoResult | null> {
    const a = await this.client.request("POST", `${this.base()}/redo`);
    return a.status === 200 ? (a.body as UndoResult) : null;
  }

  /** Who changed what, newest first. */
  async activity(params: { limit?: number; before?: number } = {}): Promise<{ items: ActivityItem[]; nextBefore: number | null }> {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return (await this.client.ok("GET", `${this.base()}/activity?${q}`)).body as { items: ActivityItem[]; nextBefore: number | null };
  }

  /** Stops following this production (its room, its listeners, its timers). */
  leave(): void {
    this.client.leave(this.id);
  }

  /** Called by the client when the production is left or the client closed. */
  dispose(): void {
    if (this.cacheTimer) {
      clearTimeout(this.cacheTimer);
      this.cacheTimer = null;
      void this.client.cacheProduction(this.id, this.copy());
    }
    this.listeners.clear();
    this.removeAllListeners();
  }

  /** The event prefix of a path (`cameras` -> `camera`). */
  static kindOf(path: EntityPath): string {
    return NAME_OF[path];
  }
}
