/** A symmetric matrix of measured round-trip times between named regions. */
export interface LatencyPreset {
  readonly name: string;
  /** Where the numbers come from, for reports. */
  readonly source: string;
  readonly regions: readonly string[];
  /** rttMs[i][j] = RTT between regions[i] and regions[j]; the diagonal is intra-region. */
  readonly rttMs: readonly (readonly number[])[];
}

/** The RTT between two regions of a preset, or undefined when either is not in it. */
export function presetRttMs(preset: LatencyPreset, a: string, b: string): number | undefined {
  const i = preset.regions.indexOf(a);
  const j = preset.regions.indexOf(b);
  if (i < 0 || j < 0) return undefined;
  return preset.rttMs[i][j];
}
