import { aws } from './aws';
import type { LatencyPreset } from './preset';

export type { LatencyPreset } from './preset';
export { presetRttMs } from './preset';

/** Every latency preset a topology can name in `latency.preset`. */
export const PRESETS: ReadonlyMap<string, LatencyPreset> = new Map([[aws.name, aws]]);
