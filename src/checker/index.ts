/** geolab's checkers, each a pure function over a history with a verdict and a witness (DESIGN §5). */
export * as linearizability from './linearizability';
export * as causal from './causal';
export * as session from './session';
export * as staleness from './staleness';
export * as leadership from './leadership';
