/**
 * The connection: one WebSocket for every production a page has open, REST for reads and
 * writes. It reconnects with jittered backoff and resumes each production from its last
 * seq, keeps writes made offline in a queue (IndexedDB in browsers) and replays them in
 * order with their Idempotency-Keys, so each lands exactly once.
 */
import { DEFAULT_BACKOFF, delay, type Backoff } from "./backoff.js";
import { Emitter } from "./events.js";
import { ProductionHandle } from "./production.js";
import { defaultQueue, type QueueStorage, type QueuedWrite } from "./queue.js";
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
  /** Where offline writes wait: IndexedDB in browsers, memory elsewhere. */
  queue?: QueueStorage;
  backoff?: Backoff;
}

export interface ClientEvents {
  [name: string]: unknown;
  state: ConnectionState;
  /** A write the server refused for good (4xx), or a failure worth showing. */
  error: { message: string; status?: number; body?: unknown };
  /** `settings:*` events: shared lookup lists changed. */
  settings: { event: string; data: unknown };
  /** How many writes wait for the server. */
  pending: number;
}

/** The server's answer to a request. */
export interface Answer {
  status: number;
  body: any;
}

/** A request that could not reach the server (offline, connection refused). */
export class NetworkError extends Error {}

export function newId(): string {
  return globalThis.crypto.randomUUID();
}

export class ProdsyncClient extends Emitter<ClientEvents> {
  readonly opts: ClientOptions;
  private ws: WebSocket | null = null;
  private _state: ConnectionState = "offline";
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private handles = new Map<string, ProductionHandle>();
  private queue: QueueStorage;
  private nextN = Date.now() * 1000;
  private flushing: Promise<void> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private WS: typeof WebSocket;
  private http: typeof fetch;

  constructor(opts: ClientOptions) {
    super();
    this.opts = opts;
    this.queue = opts.queue ?? defaultQueue();
    const WS = opts.WebSocket ?? globalThis.WebSocket;
    if (!WS) throw new Error("no WebSocket: pass one in the options (Node 20: the ws package)");
    this.WS = WS;
    this.http = opts.fetch ?? globalThis.fetch.bind(globalThis);
    if (typeof window !== "undefined" && typeof window.addEventListener === "function") {
      window.addEventListener("offline", () => this.ws?.close());
      window.addEventListener("online", () => {
        this.reconnectNow();
        void this.flush();
      });
    }
    this.connect();
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** Writes waiting for the server. */
  async pendingWrites(): Promise<QueuedWrite[]> {
    return this.queue.all();
  }

  /** The productions you may see, oldest first. */
  async listProductions(): Promise<Production[]> {
    return (await this.ok("GET", "/api/productions")).body;
  }

  /** Loads a production (snapshot), joins its room and keeps it current. */
  async open(productionId: string): Promise<ProductionHandle> {
    const existing = this.handles.get(productionId);
    if (existing) return existing;
    const handle = new ProductionHandle(this, productionId);
    await handle.load();
    this.handles.set(productionId, handle);
    this.send("join-production", { productionId, since: handle.seq });
    return handle;
  }

  /** Stops everything: no reconnect after this. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.ws?.close(1000);
    this.setState("offline");
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
    let frame: { event: string; data: any };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const { event, data } = frame;
    if (event.startsWith("settings:")) return this.emit("settings", { event, data });
    const handle = data && this.handles.get(data.productionId);
    if (!handle) return;
    handle.onFrame(event, data);
  }

  // ---- REST and the offline queue ---------------------------------------------------

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

  /** A request that must succeed. */
  async ok(method: string, path: string, body?: unknown): Promise<Answer> {
    const a = await this.request(method, path, body);
    if (a.status >= 400) throw Object.assign(new Error(a.body?.message ?? `HTTP ${a.status}`), a);
    return a;
  }

  /**
   * A write: sent now when online, else queued. Resolves with the server's answer, or with
   * `null` when it was queued (it is sent, in order, once back online).
   */
  async write(productionId: string, method: QueuedWrite["method"], url: string, body?: unknown): Promise<Answer | null> {
    const w: QueuedWrite = { n: this.nextN++, key: newId(), method, url, body, productionId };
    // Behind queued writes, a new one waits its turn: order is kept.
    if (this._state === "online" && (await this.queue.all()).length === 0) {
      try {
        return await this.settle(w, await this.request(method, url, body, w.key));
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
      }
    }
    await this.queue.put(w);
    this.emit("pending", (await this.queue.all()).length);
    if (this._state === "online") this.retryFlushSoon();
    return null;
  }

  /** Online but a request failed: try the queue again shortly. */
  private retryFlushSoon() {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, 1000);
  }

  /** Reports a refused write; answers the rest. */
  private settle(w: QueuedWrite, a: Answer): Answer {
    if (a.status >= 400) this.emit("error", { message: a.body?.message ?? `HTTP ${a.status}`, status: a.status, body: a.body });
    this.handles.get(w.productionId)?.answered(w, a);
    return a;
  }

  /** Sends queued writes in order; stops at the first that cannot reach the server. */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        for (const w of await this.queue.all()) {
          let a: Answer;
          try {
            a = await this.request(w.method, w.url, w.body, w.key);
          } catch {
            // Still offline: the next reconnect (or, while the socket is up, a timer) tries again.
            if (this._state === "online") this.retryFlushSoon();
            return;
          }
          if (a.status >= 500) return;
          await this.queue.remove(w.n);
          this.settle(w, a);
          this.emit("pending", (await this.queue.all()).length);
        }
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }
}
