/**
 * Logical clocks, each a module of pure functions over plain serialisable values:
 * - `lamport`: scalar Lamport clocks and the (time, node) total order;
 * - `vv`: version vectors — compare → before/after/equal/concurrent, merge, increment, dominates;
 * - HLC: hybrid logical clocks with caller-supplied physical time and optional drift rejection.
 * Version-vector and Lamport functions share short names (`compare`, `receive`), so they are
 * exported as namespaces: `vv.merge(a, b)`, `lamport.tick(t)`.
 */
export * as lamport from './lamport';
export * as vv from './version-vector';
export type { LamportTime, LamportStamp } from './lamport';
export type { VersionVector, Ordering } from './version-vector';
export * from './hlc';
