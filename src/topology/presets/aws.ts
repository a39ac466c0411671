import type { LatencyPreset } from './preset';

/**
 * AWS inter-region median RTTs in ms from cloudping.co's sample of 2023-03-08, symmetrised
 * as the mean of both directions (they differ by at most 2 ms). The diagonal is the RTT
 * between availability zones inside a region. Source: shared/reference/latency.md.
 */
const regions = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-1',
  'ap-northeast-1',
  'sa-east-1',
] as const;

const rttMs: readonly (readonly number[])[] = [
  [4, 63.5, 69.5, 91.5, 212, 146, 113.5],
  [63.5, 3, 119, 140.5, 161.5, 97.5, 174],
  [69.5, 119, 1, 26.5, 181.5, 201, 176.5],
  [91.5, 140.5, 26.5, 2, 157.5, 223, 204],
  [212, 161.5, 181.5, 157.5, 4, 68.5, 322],
  [146, 97.5, 201, 223, 68.5, 4, 256.5],
  [113.5, 174, 176.5, 204, 322, 256.5, 1],
];

export const aws: LatencyPreset = {
  name: 'aws',
  source: 'cloudping.co AWS median RTT, 2023-03-08 (symmetrised)',
  regions,
  rttMs,
};
