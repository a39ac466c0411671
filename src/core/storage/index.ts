/** Durable state: the DurableStorage contract (read it before using storage) and the in-memory store. */
export * from './durable-storage';
export * from './memory-storage';
