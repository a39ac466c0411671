/** The toxics and their pure per-chunk timing functions (the simulator reuses the latter). */
export { bandwidthDelayMs, bandwidthPieceSizes, BANDWIDTH_PIECE_MS } from './bandwidth';
export type { BandwidthAttributes } from './bandwidth';
export { latencyDelayMs } from './latency';
export type { LatencyAttributes } from './latency';
export { limitDataAllowance } from './limit-data';
export type { LimitDataAttributes } from './limit-data';
export { slicerPieceSizes } from './slicer';
export type { SlicerAttributes } from './slicer';
export type { SlowCloseAttributes } from './slow-close';
export type { TimeoutAttributes } from './timeout';
export type { ResetPeerAttributes } from './reset-peer';
export { TOXIC_KINDS } from './registry';
export type { Attributes, Chunk, ReadResult, ToxicKind, ToxicStub } from './toxic';
