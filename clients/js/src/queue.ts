/**
 * Writes made while offline, kept in order until the server has them. Each keeps its
 * Idempotency-Key, so a write the server already applied (the answer was lost) is answered
 * from its receipt instead of being applied twice.
 */
export interface QueuedWrite {
  /** Order of creation; the queue replays in this order. */
  n: number;
  key: string;
  method: "POST" | "PUT" | "DELETE";
  url: string;
  body?: unknown;
  productionId: string;
}

export interface QueueStorage {
  all(): Promise<QueuedWrite[]>;
  put(w: QueuedWrite): Promise<void>;
  remove(n: number): Promise<void>;
}

/** For Node and for browsers without IndexedDB: kept as long as the page. */
export class MemoryQueue implements QueueStorage {
  private items = new Map<number, QueuedWrite>();
  async all() {
    return [...this.items.values()].sort((a, b) => a.n - b.n);
  }
  async put(w: QueuedWrite) {
    this.items.set(w.n, w);
  }
  async remove(n: number) {
    this.items.delete(n);
  }
}

/** Survives a reload or a crashed tab: the writes go out when the page is back online. */
export class IndexedDbQueue implements QueueStorage {
  private db: Promise<IDBDatabase>;
  constructor(name = "prodsync-queue") {
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore("writes", { keyPath: "n" });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  private async run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.db;
    return new Promise((resolve, reject) => {
      const req = f(db.transaction("writes", mode).objectStore("writes"));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  async all() {
    const items = await this.run("readonly", (s) => s.getAll() as IDBRequest<QueuedWrite[]>);
    return items.sort((a, b) => a.n - b.n);
  }
  async put(w: QueuedWrite) {
    await this.run("readwrite", (s) => s.put(w));
  }
  async remove(n: number) {
    await this.run("readwrite", (s) => s.delete(n));
  }
}

/** IndexedDB when the platform has it, else memory. */
export function defaultQueue(): QueueStorage {
  return typeof indexedDB === "undefined" ? new MemoryQueue() : new IndexedDbQueue();
}
