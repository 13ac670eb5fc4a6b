/**
 * The connection: one WebSocket for every production a page has open, REST for reads and
 * writes, the device cache and the write queue. It reconnects with jittered backoff and
 * resumes each production from its last seq, shows cached productions at once (offline
 * too), and sends queued writes in order with their Idempotency-Keys, each under the
 * identity that made it, one tab at a time (Web Locks), so each lands exactly once.
 */
import { DEFAULT_BACKOFF, delay, type Backoff } from "./backoff.js";
import { defaultCache, type CacheStorage } from "./cache.js";
import { Emitter } from "./events.js";
import { rollbackOf, type PendingOp, type Rollback } from "./overlay.js";
import { ProductionHandle, type CachedProduction } from "./production.js";
import { defaultQueue, type QueueStorage, type QueuedWrite, type WriteTarget } from "./queue.js";
import type { Production } from "./types.js";

export type ConnectionState = "connecting" | "online" | "offline";

export interface User {
  id: string;
  name?: string;
}

export interface ClientOptions {
  /** The server, such as `http://localhost:3010` (in a page served by it: `location.origin`). */
  url: string;
  /** Who you are on a trusted network (`auth_mode = "none"`). */
  user?: User;
  /** A bearer token (`auth_mode = "jwt"`), or a function that returns a fresh one. */
  token?: string | (() => string | Promise<string>);
  /** Defaults to the platform's; pass `ws`'s in Node 20. */
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  /** Where writes wait for the server: IndexedDB in browsers (one per server), memory elsewhere. */
  queue?: QueueStorage;
  /** The device cache: IndexedDB in browsers (per server and user), memory elsewhere. */
  cache?: CacheStorage;
  /** The cache's size budget per server and user, in bytes (default 20 MB). */
  cacheBudget?: number;
  backoff?: Backoff;
}

/** Writes waiting for the server on this device: yours, and other people's (another
 * account used in this browser) that wait for their author. */
export interface PendingCounts {
  mine: number;
  others: number;
}

export interface ClientEvents {
  state: ConnectionState;
  /** A write the server refused for good (4xx), or a failure worth showing. */
  error: { message: string; status?: number; body?: unknown };
  /** A write the server refused: its values are off the screen again. */
  rollback: Rollback;
  /** `settings:*` events: shared lookup lists changed. */
  settings: { event: string; data: unknown };
  pending: PendingCounts;
}

/** The server's answer to a request. */
export interface Answer {
  status: number;
  body: unknown;
}

/** A request that could not reach the server (offline, connection refused). */
export class NetworkError extends Error {}

/** A request the server answered with an error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(((body as { message?: unknown } | null)?.message as string) ?? `HTTP ${status}`);
  }
}

export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The `sub` of a JWT, read without checking it (the server checks it). */
function subject(token: string): string {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const sub = JSON.parse(atob(part)).sub;
    return typeof sub === "string" ? sub : "";
  } catch {
    return "";
  }
}

export class ProdsyncClient extends Emitter<ClientEvents> {
  readonly opts: ClientOptions;
  /** The server's origin: queues, caches and locks are kept per server. */
  readonly server: string;
  private ws: WebSocket | null = null;
  private _state: ConnectionState = "offline";
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private handles = new Map<string, ProductionHandle>();
  private queue: QueueStorage;
  private cache: CacheStorage | null;
  private flushing: Promise<void> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private waiting = new Map<number, (a: Answer | null) => void>();
  private counts: PendingCounts = { mine: 0, others: 0 };
  private WS: typeof WebSocket;
  private http: typeof fetch;
  private channel: BroadcastChannel | null = null;
  private unlisten: (() => void)[] = [];

  constructor(opts: ClientOptions) {
    super();
    this.opts = opts;
    this.server = new URL(opts.url).origin;
    this.queue = opts.queue ?? defaultQueue(this.server);
    this.cache = opts.cache ?? null;
    const WS = opts.WebSocket ?? globalThis.WebSocket;
    if (!WS) throw new Error("no WebSocket: pass one in the options (Node 20: the ws package)");
    this.WS = WS;
    this.http = opts.fetch ?? globalThis.fetch.bind(globalThis);
    if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
      const offline = () => this.ws?.close();
      const online = () => {
        this.reconnectNow();
        void this.flush();
      };
      window.addEventListener("offline", offline);
      window.addEventListener("online", online);
      this.unlisten.push(
        () => window.removeEventListener("offline", offline),
        () => window.removeEventListener("online", online),
      );
    }
    if (typeof BroadcastChannel !== "undefined") {
      // Another tab queued or sent a write: counts and overlays follow.
      this.channel = new BroadcastChannel(`prodsync@${this.server}`);
      this.channel.onmessage = () => void this.refreshPending();
    }
    void this.refreshPending();
    void this.connect();
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** Writes waiting on this device (a stable object until the counts change). */
  get pending(): PendingCounts {
    return this.counts;
  }

  /** Who writes: the user id, or the token's subject. */
  async me(): Promise<string> {
    if (this.opts.user) return this.opts.user.id;
    const token = await this.token();
    return token ? subject(token) : "";
  }

  private async deviceCache(): Promise<CacheStorage> {
    this.cache ??= defaultCache(`${this.server}|${await this.me()}`, this.opts.cacheBudget);
    return this.cache;
  }

  /** Forgets everything this user's session kept on the device (on sign-out). */
  async clearCache(): Promise<void> {
    await (await this.deviceCache()).clear();
  }

  /** Writes waiting for the server, every author's, in order. */
  async pendingWrites(): Promise<QueuedWrite[]> {
    return this.queue.all();
  }

  /** The productions you may see, oldest first; offline, the list last seen. */
  async listProductions(): Promise<Production[]> {
    const cache = await this.deviceCache();
    try {
      const list = (await this.ok("GET", "/api/productions")).body as Production[];
      await cache.put("productions", list);
      return list;
    } catch (e) {
      const kept = e instanceof NetworkError ? await cache.get<Production[]>("productions") : undefined;
      if (kept) return kept;
      throw e;
    }
  }

  /**
   * Opens a production: from the cache at once when it is there (then the server sends
   * what happened since its seq, or says to reload), else from a snapshot. Joins its room
   * and keeps it current until `leave()`.
   */
  async open(productionId: string): Promise<ProductionHandle> {
    const existing = this.handles.get(productionId);
    if (existing) return existing;
    const handle = new ProductionHandle(this, productionId);
    const cached = await (await this.deviceCache()).get<CachedProduction>(`production:${productionId}`);
    if (cached) handle.restore(cached);
    else await handle.load();
    this.handles.set(productionId, handle);
    await this.refreshPending();
    this.send("join-production", { productionId, since: handle.seq });
    return handle;
  }

  /** Stops following a production: its room, and the handle's listeners and timers. */
  leave(productionId: string): void {
    const handle = this.handles.get(productionId);
    if (!handle) return;
    this.handles.delete(productionId);
    this.send("leave-production", { productionId });
    handle.dispose();
  }

  /** Keeps a production's server copy on the device. */
  async cacheProduction(productionId: string, copy: CachedProduction): Promise<void> {
    if (!copy.production) return;
    try {
      await (await this.deviceCache()).put(`production:${productionId}`, copy);
    } catch {
      // A full or unavailable store costs the next open a snapshot, nothing more.
    }
  }

  /** Stops everything: the socket, timers, listeners; no reconnect after this. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.timer = this.flushTimer = null;
    for (const id of [...this.handles.keys()]) this.leave(id);
    this.ws?.close(1000);
    this.ws = null;
    for (const u of this.unlisten.splice(0)) u();
    this.channel?.close();
    this.channel = null;
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
    this.setState("offline");
    this.removeAllListeners();
  }

  /** Drops the connection as a network fault would (tests, and a "reconnect" button). */
  dropConnection(): void {
    this.ws?.close(4100, "dropped by the client");
  }

  // ---- the socket -------------------------------------------------------------------

  private setState(s: ConnectionState) {
    if (s === this._state) return;
    this._state = s;
    this.emit("state", s);
  }

  private async socketUrl(): Promise<string> {
    const u = new URL("/ws", this.opts.url);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    const token = await this.token();
    if (token) u.searchParams.set("access_token", token);
    else if (this.opts.user) {
      u.searchParams.set("userId", this.opts.user.id);
      if (this.opts.user.name) u.searchParams.set("userName", this.opts.user.name);
    }
    return u.toString();
  }

  private async token(): Promise<string | undefined> {
    const t = this.opts.token;
    return typeof t === "function" ? await t() : t;
  }

  private async connect() {
    if (this.closed) return;
    this.setState("connecting");
    let ws: WebSocket;
    try {
      ws = new this.WS(await this.socketUrl());
    } catch {
      return this.scheduleReconnect();
    }
    if (this.closed) return ws.close(1000);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState("online");
      for (const h of this.handles.values()) this.send("join-production", { productionId: h.id, since: h.seq });
      void this.flush();
    };
    ws.onmessage = (m) => this.dispatch(String(m.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const h of this.handles.values()) h.offline();
      if (this.closed) return;
      this.setState("offline");
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (this.closed || this.timer) return;
    const wait = delay(this.opts.backoff ?? DEFAULT_BACKOFF, this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, wait);
  }

  private reconnectNow() {
    if (this.ws || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.connect();
  }

  /** A frame to the server; dropped when offline (joins are sent again on reconnect). */
  send(event: string, data: unknown): void {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify({ event, data }));
  }

  private dispatch(text: string) {
    let frame: { event: string; data: { productionId?: string; [k: string]: unknown } };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const { event, data } = frame;
    if (event.startsWith("settings:")) return this.emit("settings", { event, data });
    const handle = data?.productionId ? this.handles.get(data.productionId) : undefined;
    handle?.onFrame(event, data);
  }

  // ---- REST and the write queue -----------------------------------------------------

  async request(method: string, path: string, body?: unknown, key?: string): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (key) headers["idempotency-key"] = key;
    const token = await this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    else if (this.opts.user) {
      headers["x-user-id"] = this.opts.user.id;
      if (this.opts.user.name) headers["x-user-name"] = this.opts.user.name;
    }
    let res: Response;
    try {
      res = await this.http(new URL(path, this.opts.url), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new NetworkError(String(e));
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** A request that must succeed; an error answer throws `HttpError`. */
  async ok(method: string, path: string, body?: unknown): Promise<Answer> {
    const a = await this.request(method, path, body);
    if (a.status >= 400) throw new HttpError(a.status, a.body);
    return a;
  }

  /**
   * A write: queued (it shows at once in the overlay) and sent in order. Resolves with the
   * server's answer when online, or `null` when it waits for the connection.
   */
  async write(productionId: string, method: QueuedWrite["method"], url: string, body: unknown, target: WriteTarget): Promise<Answer | null> {
    const w = await this.queue.add({ key: newId(), author: await this.me(), method, url, body, productionId, target });
    await this.refreshPending();
    this.channel?.postMessage("queue");
    if (this._state !== "online") return null;
    const answered = new Promise<Answer | null>((resolve) => this.waiting.set(w.n, resolve));
    void this.flush();
    return answered;
  }

  /** Online but a request failed: try the queue again shortly. */
  private retryFlushSoon() {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, 1000);
  }

  /** The counts and every open production's overlay, from the queue. */
  private async refreshPending(): Promise<void> {
    const all = await this.queue.all();
    const me = await this.me();
    const mine = all.filter((w) => w.author === me);
    const counts = { mine: mine.length, others: all.length - mine.length };
    const moved = counts.mine !== this.counts.mine || counts.others !== this.counts.others;
    if (moved) this.counts = counts;
    for (const h of this.handles.values()) {
      h.setPending(mine.filter((w) => w.productionId === h.id).map((w): PendingOp => ({ ...w.target, n: w.n })));
    }
    if (moved) this.emit("pending", counts);
  }

  /**
   * Sends your queued writes in order; stops at the first that cannot reach the server.
   * One tab at a time (Web Locks, where the platform has them): another tab of the same
   * user waits, then finds the writes gone.
   */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        const me = await this.me();
        const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
        if (locks) await locks.request(`prodsync-flush@${this.server}|${me}`, () => this.sendQueued(me));
        else await this.sendQueued(me);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async sendQueued(me: string): Promise<void> {
    for (const w of await this.queue.all()) {
      if (w.author !== me || this.closed) continue;
      let a: Answer;
      try {
        a = await this.request(w.method, w.url, w.body, w.key);
      } catch {
        // Still offline: the next reconnect (or, while the socket is up, a timer) tries again.
        if (this._state === "online") this.retryFlushSoon();
        return this.stillQueued();
      }
      if (a.status >= 500) {
        this.retryFlushSoon();
        return this.stillQueued();
      }
      this.settle(w, a);
      await this.queue.remove(w.n);
      await this.refreshPending();
      this.channel?.postMessage("queue");
      this.waiting.get(w.n)?.(a);
      this.waiting.delete(w.n);
    }
  }

  /** Writes whose callers wait for an answer learn that they wait in the queue (`null`). */
  private stillQueued() {
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
  }

  /** The answer to the server's copy first, then the write leaves the overlay: no flicker. */
  private settle(w: QueuedWrite, a: Answer) {
    const refused = a.status >= 400 ? rollbackOf(w.productionId, w.target, a.status, a.body) : null;
    if (refused) {
      this.emit("error", { message: refused.reason, status: a.status, body: a.body });
      this.emit("rollback", refused);
    }
    this.handles.get(w.productionId)?.answered(w, a, refused);
  }
}
