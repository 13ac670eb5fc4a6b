/**
 * React bindings for @prodsync/client. Each hook reads one of the client's stores through
 * `useSyncExternalStore`, whose snapshots are immutable and shared: an unchanged entity
 * keeps its object, so `React.memo` rows re-render only when their entity changed.
 */
import { useEffect, useState, useSyncExternalStore } from "react";
import type {
  ConnectionState,
  EntityPath,
  EntityTypes,
  PendingCounts,
  PresentUser,
  ProdsyncClient,
  ProductionHandle,
  ProductionView,
} from "@prodsync/client";

export interface ProductionState {
  /** The open production, once opened (for writes: `handle.update(…)`). */
  handle: ProductionHandle | null;
  /** What to show: the server's copy with your pending writes on top. */
  view: ProductionView | null;
  /** Why it could not be opened (offline with nothing cached, no access…). */
  error: Error | null;
}

const noop = () => () => {};

/** Opens a production for as long as the component is mounted (and leaves it after). */
export function useProduction(client: ProdsyncClient, productionId: string | null): ProductionState {
  const [opened, setOpened] = useState<{ id: string; handle: ProductionHandle | null; error: Error | null } | null>(null);
  useEffect(() => {
    if (!productionId) return;
    let live = true;
    client.open(productionId).then(
      (handle) => live && setOpened({ id: productionId, handle, error: null }),
      (error: unknown) => live && setOpened({ id: productionId, handle: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
      client.leave(productionId);
    };
  }, [client, productionId]);
  const current = opened && opened.id === productionId ? opened : null;
  const handle = current?.handle ?? null;
  const view = useSyncExternalStore(handle?.subscribe ?? noop, () => handle?.getSnapshot() ?? null);
  return { handle, view, error: current?.error ?? null };
}

const EMPTY: readonly never[] = Object.freeze([]);

/** One entity type of an open production: a stable array while nothing in it changed. */
export function useEntities<P extends EntityPath>(handle: ProductionHandle | null, path: P): readonly EntityTypes[P][] {
  return useSyncExternalStore(handle?.subscribe ?? noop, () => (handle ? handle.list(path) : EMPTY));
}

/** One entity, or `undefined`. */
export function useEntity<P extends EntityPath>(handle: ProductionHandle | null, path: P, id: string): EntityTypes[P] | undefined {
  const list = useEntities(handle, path);
  return list.find((e) => (e as { id: string }).id === id);
}

/** Who is here now, yourself included. */
export function usePresence(handle: ProductionHandle | null): readonly PresentUser[] {
  return useSyncExternalStore(
    (changed) => (handle ? handle.on("presence", changed) : () => {}),
    () => handle?.presence() ?? EMPTY,
  );
}

/** Writes waiting on this device: yours, and other accounts' waiting for their author. */
export function usePendingWrites(client: ProdsyncClient): PendingCounts {
  return useSyncExternalStore(
    (changed) => client.on("pending", changed),
    () => client.pending,
  );
}

/** `connecting`, `online` or `offline`. */
export function useConnectionState(client: ProdsyncClient): ConnectionState {
  return useSyncExternalStore(
    (changed) => client.on("state", changed),
    () => client.state,
  );
}
