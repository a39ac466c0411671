/** Measured round trips to peers: ping/pong messages, RFC 6298 statistics, and a probe. */
export * from './ping';
export * from './rtt-stats';
export * from './rtt-probe';
