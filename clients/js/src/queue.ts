/**
 * Writes waiting for the server, kept in order until it has them. Each keeps its
 * Idempotency-Key (a write the server applied but whose answer was lost is answered from
 * its receipt, never applied twice) and its author: one browser profile may hold writes
 * of several people (Ann's window and Bob's), and a write is only ever sent under the
 * identity that made it. One queue per server; `n` orders writes across every tab.
 */

/** What a write does to which entity: the optimistic overlay is built from it. */
export interface WriteTarget {
  /** `cameras`…, or `production` for the production itself. */
  path: string;
  id: string;
  kind: "create" | "update" | "delete";
  fields: { [field: string]: unknown };
}

export interface QueuedWrite {
  /** Order of creation across tabs; the queue replays in this order. */
  n: number;
  key: string;
  /** The user id that made the write ("" for a client with no identity). */
  author: string;
  productionId: string;
  method: "POST" | "PUT" | "DELETE";
  url: string;
  body?: unknown;
  target: WriteTarget;
}

export type NewWrite = Omit<QueuedWrite, "n">;

export interface QueueStorage {
  /** Every waiting write, of every author, in order. */
  all(): Promise<QueuedWrite[]>;
  /** Keeps a write; the queue gives it its place (`n`). */
  add(w: NewWrite): Promise<QueuedWrite>;
  remove(n: number): Promise<void>;
}

/** For Node and for browsers without IndexedDB: kept as long as the page. */
export class MemoryQueue implements QueueStorage {
  private items = new Map<number, QueuedWrite>();
  private next = 1;
  async all() {
    return [...this.items.values()].sort((a, b) => a.n - b.n);
  }
  async add(w: NewWrite) {
    const kept = { ...w, n: this.next++ };
    this.items.set(kept.n, kept);
    return kept;
  }
  async remove(n: number) {
    this.items.delete(n);
  }
}

/** Survives a reload or a closed tab: the writes go out when their author is back online. */
export class IndexedDbQueue implements QueueStorage {
  private db: Promise<IDBDatabase>;
  constructor(name: string) {
    this.db = new Promise((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore("writes", { keyPath: "n", autoIncrement: true });
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
  async add(w: NewWrite) {
    const n = await this.run("readwrite", (s) => s.add(w) as IDBRequest<number>);
    return { ...w, n };
  }
  async remove(n: number) {
    await this.run("readwrite", (s) => s.delete(n));
  }
  async close() {
    (await this.db).close();
  }
}

/** IndexedDB when the platform has it (one database per server), else memory. */
export function defaultQueue(server: string): QueueStorage {
  return typeof indexedDB === "undefined" ? new MemoryQueue() : new IndexedDbQueue(`prodsync-queue@${server}`);
}
