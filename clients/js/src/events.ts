/** A tiny typed event emitter: no dependency, works in browsers and Node. */
export class Emitter<Events extends { [name: string]: unknown }> {
  private handlers = new Map<keyof Events, Set<(data: never) => void>>();

  on<K extends keyof Events>(name: K, handler: (data: Events[K]) => void): () => void {
    const set = this.handlers.get(name) ?? new Set();
    set.add(handler as (data: never) => void);
    this.handlers.set(name, set);
    return () => set.delete(handler as (data: never) => void);
  }

  protected emit<K extends keyof Events>(name: K, data: Events[K]): void {
    for (const h of this.handlers.get(name) ?? []) (h as (d: Events[K]) => void)(data);
  }
}
