import { bandwidth } from './bandwidth';
import { latency } from './latency';
import { limitData } from './limit-data';
import { noop } from './noop';
import { resetPeer } from './reset-peer';
import { slicer } from './slicer';
import { slowClose } from './slow-close';
import { timeout } from './timeout';
import type { ToxicKind } from './toxic';

/**
 * Every toxic type the API accepts, by its `type` string. `down` is deliberately absent: it is
 * not a toxic upstream but `enabled: false` on the proxy (README "down"), and
 * `{"type":"down"}` gets 400 `invalid toxic type` like any unknown type.
 */
export const TOXIC_KINDS: ReadonlyMap<string, ToxicKind> = new Map<string, ToxicKind>(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop].map((kind) => [
    kind.type,
    kind,
  ]),
);
