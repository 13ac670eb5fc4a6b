/**
 * The cache layer of the app's design: the production list and every opened production
 * (snapshot and seq) kept on the device, per server and per user, so a production shows at
 * once (offline too) and a reopen resumes from its seq instead of downloading everything.
 *
 * Entries carry the format's version (an older one is dropped, never misread); a size
 * budget per namespace evicts the least recently used; `clear()` forgets a namespace (on
 * sign-out). Eviction reads a small metadata store, never the snapshots themselves.
 */

/** Bumped whenever the shape of what is kept changes. */
export const CACHE_VERSION = 1;

export interface CacheStorage {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  /** Everything of this namespace (this server and user). */
  clear(): Promise<void>;
}

interface Meta {
  key: string;
  ns: string;
  v: number;
  bytes: number;
  usedAt: number;
}

/** Kept as long as the page (Node, tests, browsers without IndexedDB). */
export class MemoryCache implements CacheStorage {
  private items = new Map<string, unknown>();
  async get<T>(key: string) {
    return this.items.get(key) as T | undefined;
  }
  async put(key: string, value: unknown) {
    this.items.set(key, structuredClone(value));
  }
  async clear() {
    this.items.clear();
  }
}

/** Least recently used first: the keys to drop to bring `entries` under `budget` bytes. */
export function toEvict(entries: { key: string; bytes: number; usedAt: number }[], budget: number): string[] {
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  const out: string[] = [];
  for (const e of [...entries].sort((a, b) => a.usedAt - b.usedAt)) {
    if (total <= budget) break;
    total -= e.bytes;
    out.push(e.key);
  }
  return out;
}

export class IndexedDbCache implements CacheStorage {
  private db: Promise<IDBDatabase>;
  constructor(
    private ns: string,
    private budget = 20 * 1024 * 1024,
    name = "prodsync-cache",
  ) {
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("values");
        open.result.createObjectStore("meta", { keyPath: "key" }).createIndex("ns", "ns");
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }

  private full(key: string) {
    return `${this.ns}\u0001${key}`;
  }

  private async tx(mode: IDBTransactionMode): Promise<[IDBObjectStore, IDBObjectStore, IDBTransaction]> {
    const t = (await this.db).transaction(["values", "meta"], mode);
    return [t.objectStore("values"), t.objectStore("meta"), t];
  }

  async get<T>(key: string): Promise<T | undefined> {
    const [values, meta, t] = await this.tx("readwrite");
    const k = this.full(key);
    const [m, value] = await Promise.all([req<Meta | undefined>(meta.get(k)), req<T | undefined>(values.get(k))]);
    if (!m || m.v !== CACHE_VERSION) {
      if (m) {
        meta.delete(k);
        values.delete(k);
      }
      await done(t);
      return undefined;
    }
    meta.put({ ...m, usedAt: Date.now() });
    await done(t);
    return value;
  }

  async put(key: string, value: unknown): Promise<void> {
    const bytes = JSON.stringify(value).length;
    const [values, meta, t] = await this.tx("readwrite");
    const k = this.full(key);
    values.put(value, k);
    meta.put({ key: k, ns: this.ns, v: CACHE_VERSION, bytes, usedAt: Date.now() } satisfies Meta);
    const mine = await req<Meta[]>(meta.index("ns").getAll(this.ns));
    for (const old of toEvict(mine, this.budget)) {
      meta.delete(old);
      values.delete(old);
    }
    await done(t);
  }

  async clear(): Promise<void> {
    const [values, meta, t] = await this.tx("readwrite");
    for (const m of await req<Meta[]>(meta.index("ns").getAll(this.ns))) {
      meta.delete(m.key);
      values.delete(m.key);
    }
    await done(t);
  }

  async close() {
    (await this.db).close();
  }
}

function req<T>(r: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result as T);
    r.onerror = () => reject(r.error);
  });
}

function done(t: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

/** IndexedDB when the platform has it, else memory; `ns` is the server and the user. */
export function defaultCache(ns: string, budget?: number): CacheStorage {
  return typeof indexedDB === "undefined" ? new MemoryCache() : new IndexedDbCache(ns, budget);
}
