/** Names of the replicas' metric events, made Prometheus' (and promlint's) or refused. */
import { exportedLabelName, exportedMetricName } from '../../src/metrics/names';

it.each([
  ['hints_stored_total', 'counter', 'geolab_hints_stored_total', 1],
  ['raft_elections', 'counter', 'geolab_raft_elections_total', 1],
  ['multileader_log_entries', 'gauge', 'geolab_multileader_log_entries', 1],
  ['multileader_visibility_ms', 'gauge', 'geolab_multileader_visibility_seconds', 0.001],
  ['wait_ms_total', 'counter', 'geolab_wait_seconds_total', 0.001],
  ['Read-Repairs.total', 'counter', 'geolab_read_repairs_total', 1],
  ['  lease expiries ', 'counter', 'geolab_lease_expiries_total', 1],
] as const)('%s (%s) is exported as %s', (name, type, exported, scale) => {
  expect(exportedMetricName(name, type)).toEqual({ ok: true, name: exported, scale });
});

it.each([
  ['', 'counter', /empty/],
  ['hints/stored', 'counter', /not a Prometheus name/],
  ['lag:entries', 'gauge', /not a Prometheus name/],
  ['héllo', 'gauge', /not a Prometheus name/],
  ['geolab_elections_total', 'counter', /geolab_ prefix/],
  ['queued_total', 'gauge', /must not end in _total/],
  ['latency_bucket', 'gauge', /histogram/],
  ['latency_count', 'counter', /histogram/],
] as const)('%j (%s) is refused', (name, type, reason) => {
  const result = exportedMetricName(name, type);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toMatch(reason);
});

it('repairs label names the same way and refuses reserved or impossible ones', () => {
  expect(exportedLabelName('backup')).toBe('backup');
  expect(exportedLabelName('Read-Repair')).toBe('read_repair');
  expect(exportedLabelName('__name__')).toBeUndefined();
  expect(exportedLabelName('1st')).toBeUndefined();
  expect(exportedLabelName('a/b')).toBeUndefined();
});
