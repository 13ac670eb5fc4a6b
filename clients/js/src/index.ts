export { ProdsyncClient, NetworkError, newId } from "./client.js";
export type { ClientOptions, ClientEvents, ConnectionState, User, Answer } from "./client.js";
export { ProductionHandle } from "./production.js";
export type { Change, Conflict, Focus, PresentUser, ProductionEvents } from "./production.js";
export { MemoryQueue, IndexedDbQueue, defaultQueue } from "./queue.js";
export type { QueueStorage, QueuedWrite } from "./queue.js";
export { delay, DEFAULT_BACKOFF } from "./backoff.js";
export type { Backoff } from "./backoff.js";
export * from "./types.js";
