/**
 * Everything that crosses a wire, and how it is checked on the way in:
 * - frame: size, UTF-8, JSON and nesting limits; rejections with codes and ws close codes;
 * - shape: field readers that turn a malformed value into a `bad-shape` rejection;
 * - envelope: the peer message (`type` + `body`) and its versioned envelope between replicas;
 * - client: Jepsen-style requests and ok | fail | info results;
 * - client-frame: the frames of a replica's client endpoint (requests, pings, results).
 */
export * from './frame';
export * from './shape';
export * from './envelope';
export * from './client';
export * from './client-frame';
