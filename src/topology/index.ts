/** Topology files: YAML with a JSON Schema, validated with file:line:col messages. */
export { loadTopologyFile, parseTopology, type LoadResult, type LoadOptions } from './load';
export { formatIssue, type TopologyIssue } from './issue';
export { modeIdOf, parseModeId, MODE_IDS, MODES, LEVELS, type ModeFields } from './mode-id';
export { parseDuration, formatDuration } from './duration';
export { PRESETS, type LatencyPreset } from './presets';
export * from './types';
