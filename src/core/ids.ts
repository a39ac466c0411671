/**
 * Identifiers that cross process boundaries: nodes, regions, clients, requests; and the
 * runtime-minted timer handle.
 *
 * The string ids are branded so that a `RegionId` cannot be passed where a `NodeId` is meant;
 * a brand is only a compile-time tag, so at run time every id is the plain string it looks
 * like and survives JSON unchanged. Brands are obtained through the parse functions below
 * (which validate) or, for values already validated elsewhere (the topology loader checks
 * node and region names against the same pattern), through the `as…` casts.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A replica, as named in the topology (`nodes[].id`). */
export type NodeId = Brand<string, 'NodeId'>;
/** A region, as named in the topology (`regions[].name`). */
export type RegionId = Brand<string, 'RegionId'>;
/** A client program or workload process. */
export type ClientId = Brand<string, 'ClientId'>;
/** One client request; unique per client, so a replica can deduplicate retries by it. */
export type RequestId = Brand<string, 'RequestId'>;
/** A timer handle minted by the runtime's `Env.setTimer`; meaningless to anything else. */
export type TimerId = Brand<number, 'TimerId'>;

/**
 * Node and region names: the topology schema's pattern (src/topology/topology.schema.json).
 * It keeps ids safe in proxy names, file names and URLs, and excludes `__proto__` because it
 * cannot start with `_` (records keyed by ids are plain objects; see clocks/version-vector).
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Client and request ids may also hold `:` and `/`, so `client-3:17` is a request id. */
export const TOKEN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
/** Long enough for any sane name, short enough that ids never dominate a frame. */
export const MAX_ID_LENGTH = 128;

function matches(value: unknown, pattern: RegExp): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_LENGTH && pattern.test(value);
}

export function isNodeId(value: unknown): value is NodeId {
  return matches(value, NAME_PATTERN);
}
export function isRegionId(value: unknown): value is RegionId {
  return matches(value, NAME_PATTERN);
}
export function isClientId(value: unknown): value is ClientId {
  return matches(value, TOKEN_PATTERN);
}
export function isRequestId(value: unknown): value is RequestId {
  return matches(value, TOKEN_PATTERN);
}

function describe(kind: string, value: unknown, pattern: RegExp): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value;
  return `invalid ${kind} ${shown}: expected at most ${MAX_ID_LENGTH} characters matching ${pattern}`;
}

export function parseNodeId(value: unknown): NodeId {
  if (!isNodeId(value)) throw new TypeError(describe('node id', value, NAME_PATTERN));
  return value;
}
export function parseRegionId(value: unknown): RegionId {
  if (!isRegionId(value)) throw new TypeError(describe('region id', value, NAME_PATTERN));
  return value;
}
export function parseClientId(value: unknown): ClientId {
  if (!isClientId(value)) throw new TypeError(describe('client id', value, TOKEN_PATTERN));
  return value;
}
export function parseRequestId(value: unknown): RequestId {
  if (!isRequestId(value)) throw new TypeError(describe('request id', value, TOKEN_PATTERN));
  return value;
}

/** For names the topology loader has already validated against NAME_PATTERN. */
export const asNodeId = (name: string): NodeId => name as NodeId;
export const asRegionId = (name: string): RegionId => name as RegionId;

/** Runtimes mint timer ids from a counter; only they call this. */
export const asTimerId = (n: number): TimerId => n as TimerId;
