export { ProdsyncClient, NetworkError, HttpError, newId } from "./client.js";
export type { ClientOptions, ClientEvents, ConnectionState, User, Answer, PendingCounts } from "./client.js";
export { ProductionHandle } from "./production.js";
export type {
  ActivityItem,
  AnyEntity,
  CachedProduction,
  Change,
  Conflict,
  Focus,
  PresentUser,
  ProductionEvents,
  UndoResult,
} from "./production.js";
export type { ProductionView } from "./view.js";
export { overlayEntity, rollbackOf } from "./overlay.js";
export type { PendingOp, Rollback, StoredEntity } from "./overlay.js";
export { MemoryQueue, IndexedDbQueue, defaultQueue } from "./queue.js";
export type { QueueStorage, QueuedWrite, NewWrite, WriteTarget } from "./queue.js";
export { MemoryCache, IndexedDbCache, defaultCache, toEvict, CACHE_VERSION } from "./cache.js";
export type { CacheStorage } from "./cache.js";
export { delay, DEFAULT_BACKOFF } from "./backoff.js";
export type { Backoff } from "./backoff.js";
export * from "./types.js";
