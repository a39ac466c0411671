/**
 * geolab's sans-IO core (DESIGN §1–§2): what every replication mode and both runtimes share.
 * Nothing here touches a socket, a timer, a file or the clock; time, randomness and I/O come
 * in through `Env`, which the live runtime and the simulator each implement.
 *
 * - env, events: the `Env`/`Replica` seam, `ReplicaFactory`, and what replicas report.
 * - ids: branded node, region, client, request and timer ids, with validators.
 * - json: the JSON value type everything serialisable is made of.
 * - messages/: peer envelopes and client frames, their codec and receive-side validation.
 * - clocks/: Lamport clocks, version vectors, hybrid logical clocks (pure functions).
 * - storage/: the DurableStorage sync contract and the crashable in-memory store.
 * - rtt/: ping/pong and per-peer RTT statistics, embeddable in any replica.
 * - quorum: majority arithmetic (committed index, vote result).
 * - random: the seeded PRNG (xoshiro128**) for the simulator and tests.
 *
 * Contracts a mode must keep: handlers run to completion and are deterministic given their
 * inputs; output after `storage.sync()` waits for durability; `fail` only when the op
 * definitely did not and will not happen; timer tags and message types starting `geolab.`
 * are reserved.
 */
export * from './env';
export * from './events';
export * from './ids';
export * from './json';
export * from './messages';
export * from './clocks';
export * from './storage';
export * from './rtt';
export * from './quorum';
export * from './random';
