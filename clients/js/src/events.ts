/**
 * A tiny typed event emitter: no dependency, works in browsers and Node. Event maps are
 * plain interfaces (no index signature), so a misspelled event name does not compile.
 */
export class Emitter<Events extends object> {
  private handlers = new Map<keyof Events, Set<(data: never) => void>>();

  /** Calls `handler` on each `name` event; returns the function that stops it. */
  on<K extends keyof Events>(name: K, handler: (data: Events[K]) => void): () => void {
    const set = this.handlers.get(name) ?? new Set();
    set.add(handler as (data: never) => void);
    this.handlers.set(name, set);
    return () => {
      set.delete(handler as (data: never) => void);
    };
  }

  protected emit<K extends keyof Events>(name: K, data: Events[K]): void {
    for (const h of [...(this.handlers.get(name) ?? [])]) (h as (d: Events[K]) => void)(data);
  }

  /** Forgets every handler (on close: nothing keeps a page's callbacks alive). */
  protected removeAllListeners(): void {
    this.handlers.clear();
  }
}
