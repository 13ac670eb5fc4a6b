/**
 * One open production: its entities kept current by applying events strictly in seq order
 * (a duplicate is ignored, a gap is filled from `/changes`), its presence, and its writes.
 * Edits show at once (optimistically) and the server's answer or event settles them.
 */
import { Emitter } from "./events.js";
import { newId, type Answer, type ProdsyncClient } from "./client.js";
import type { QueuedWrite } from "./queue.js";
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

export interface Change {
  /** `cameras`, or `production` for the production itself. */
  path: EntityPath | "production";
  action: "created" | "updated" | "deleted";
  entity: any;
  seq: number;
  userId: string | null;
  changedFields: string[];
  previous?: { [field: string]: unknown };
  /** `undo` or `redo` when the change is one; `import` when brought over from another system. */
  cause?: "undo" | "redo" | "import";
}

export interface ProductionEvents {
  [name: string]: unknown;
  change: Change;
  conflict: { path: EntityPath; id: string; conflicts: Conflict[] };
  presence: PresentUser[];
  /** The events since our seq were no longer kept: the snapshot was reloaded. */
  resync: { seq: number };
  /** Your membership was removed: nothing more arrives. */
  removed: void;
  /** Joined and current (after a reconnect, the missed events have been applied). */
  live: { seq: number };
}

type Entity = { id: string; version: number; [field: string]: unknown };

const NAME_OF: { [path: string]: string } = Object.fromEntries(Object.entries(PATH_OF).map(([n, p]) => [p, n]));

export class ProductionHandle extends Emitter<ProductionEvents> {
  readonly id: string;
  /** The last seq applied. */
  seq = 0;
  production: Production | null = null;
  live = false;
  private client: ProdsyncClient;
  private store = new Map<string, Map<string, Entity>>();
  private present = new Map<string, PresentUser>();
  private early: { event: string; data: any }[] = [];
  private filling = false;

  constructor(client: ProdsyncClient, id: string) {
    super();
    this.client = client;
    this.id = id;
  }

  private base(): string {
    return `/api/productions/${this.id}`;
  }

  /** The snapshot: every entity, as of `seq`. */
  async load(): Promise<void> {
    const snap = (await this.client.ok("GET", `${this.base()}/snapshot`)).body;
    this.production = snap.production;
    this.store.clear();
    for (const [path, list] of Object.entries(snap.entities as { [p: string]: Entity[] })) {
      this.store.set(path, new Map(list.map((e) => [e.id, e])));
    }
    this.seq = snap.seq;
  }

  list<P extends EntityPath>(path: P): EntityTypes[P][] {
    return [...(this.store.get(path)?.values() ?? [])] as unknown as EntityTypes[P][];
  }

  get<P extends EntityPath>(path: P, id: string): EntityTypes[P] | undefined {
    return this.store.get(path)?.get(id) as unknown as EntityTypes[P] | undefined;
  }

  /** Who is here now, yourself included. */
  presence(): PresentUser[] {
    return [...this.present.values()];
  }

  // ---- events ------------------------------------------------------------------------

  offline(): void {
    this.live = false;
  }

  onFrame(event: string, data: any): void {
    switch (event) {
      case "joined":
        this.live = true;
        this.emit("live", { seq: this.seq });
        return;
      case "presence:state":
        this.present = new Map((data.users as PresentUser[]).map((u) => [u.userId, u]));
        return this.emit("presence", this.presence());
      case "presence:changed":
        this.present.set(data.user.userId, data.user);
        return this.emit("presence", this.presence());
      case "presence:left":
        this.present.delete(data.userId);
        return this.emit("presence", this.presence());
      case "resync-required":
        return void this.resync();
      case "removed-from-production":
        this.live = false;
        return this.emit("removed", undefined);
      case "error":
        return;
    }
    if (typeof data?.seq === "number") this.onEvent(event, data);
  }

  private onEvent(event: string, data: any) {
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
      const page = (await this.client.ok("GET", `${this.base()}/changes?since=${this.seq}`)).body;
      for (const e of page.events) if (e.data.seq === this.seq + 1) this.apply(e.event, e.data);
    } catch {
      // The next event or reconnect tries again.
    } finally {
      this.filling = false;
      const early = this.early.sort((a, b) => a.data.seq - b.data.seq);
      this.early = [];
      for (const e of early) this.onEvent(e.event, e.data);
    }
  }

  private apply(event: string, data: any) {
    this.seq = data.seq;
    const [prefix, action] = event.split(":") as [string, Change["action"]];
    if (prefix === "member") return;
    const path = prefix === "production" ? "production" : PATH_OF[prefix];
    if (!path) return;
    const entity = data.data as Entity;
    if (path === "production") {
      if (action !== "deleted") this.production = entity as unknown as Production;
    } else {
      const m = this.store.get(path) ?? new Map<string, Entity>();
      this.store.set(path, m);
      if (action === "deleted") m.delete(entity.id);
      else m.set(entity.id, entity);
    }
    this.emit("change", {
      path,
      action,
      entity,
      seq: data.seq,
      userId: data.userId,
      changedFields: data.changedFields,
      previous: data.previous,
      cause: data.cause,
    });
  }

  private async resync() {
    await this.load();
    this.emit("resync", { seq: this.seq });
    this.client.send("join-production", { productionId: this.id, since: this.seq });
  }

  // ---- writes ------------------------------------------------------------------------

  /** Creates an entity; it shows at once, with version 0 until the server has it. */
  async create<P extends EntityPath>(path: P, body: Partial<EntityTypes[P]>): Promise<string> {
    const id = (body as { id?: string }).id ?? newId();
    const m = this.store.get(path) ?? new Map<string, Entity>();
    this.store.set(path, m);
    if (!m.has(id)) m.set(id, { ...(body as object), id, version: 0 } as Entity);
    await this.client.write(this.id, "POST", `${this.base()}/${path}`, { ...body, id });
    return id;
  }

  /**
   * Changes some fields. The version you have goes along, so that your stale copy of a
   * field never overwrites someone's newer value; fields you change win.
   */
  async update<P extends EntityPath>(path: P, id: string, patch: Partial<EntityTypes[P]>): Promise<void> {
    const current = this.store.get(path)?.get(id);
    const body = { ...patch, ...(current && current.version > 0 ? { version: current.version } : {}) };
    if (current) this.store.get(path)!.set(id, { ...current, ...(patch as object) });
    await this.client.write(this.id, "PUT", `${this.base()}/${path}/${id}`, body);
  }

  async remove(path: EntityPath, id: string): Promise<void> {
    this.store.get(path)?.delete(id);
    await this.client.write(this.id, "DELETE", `${this.base()}/${path}/${id}`);
  }

  /** The server's answer to one of our writes (sent now, or from the queue). */
  answered(w: QueuedWrite, a: Answer): void {
    const m = w.url.match(/\/api\/productions\/[^/]+\/([a-z-]+)(?:\/([^/]+))?$/);
    if (!m || a.status >= 400 || !a.body?.id) return;
    const path = m[1] as EntityPath;
    const entity = a.body as Entity;
    const store = this.store.get(path);
    const mine = store?.get(entity.id);
    // The event may have come first (a newer state); keep the newest.
    if (store && w.method !== "DELETE" && (!mine || (mine.version ?? 0) <= entity.version)) {
      const { changedFields: _c, conflicts: _k, ...clean } = entity as Entity & { changedFields?: unknown; conflicts?: unknown };
      store.set(entity.id, clean as Entity);
    }
    const conflicts = (a.body.conflicts ?? []) as Conflict[];
    if (conflicts.length) this.emit("conflict", { path, id: entity.id, conflicts });
  }

  // ---- presence, undo, activity --------------------------------------------------------

  /** Tells the others which field you are editing (`null` field: none). */
  focus(path: EntityPath, id: string, field: string): void {
    this.client.send("presence:update", { productionId: this.id, focus: { entityType: NAME_OF[path], entityId: id, field } });
  }

  blur(): void {
    this.client.send("presence:update", { productionId: this.id, focus: null });
  }

  /** Undoes your latest write here; `null` when there is nothing to undo. */
  async undo(): Promise<any | null> {
    const a = await this.client.request("POST", `${this.base()}/undo`);
    return a.status === 200 ? a.body : null;
  }

  async redo(): Promise<any | null> {
    const a = await this.client.request("POST", `${this.base()}/redo`);
    return a.status === 200 ? a.body : null;
  }

  /** Who changed what, newest first. */
  async activity(params: { limit?: number; before?: number } = {}): Promise<{ items: any[]; nextBefore: number | null }> {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    return (await this.client.ok("GET", `${this.base()}/activity?${q}`)).body;
  }

  /** The event prefix of a path (`cameras` -> `camera`). */
  static kindOf(path: EntityPath): string {
    return NAME_OF[path];
  }
}
