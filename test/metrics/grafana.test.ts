/**
 * dashboards/grafana/geolab.json against what `/metrics` really serves: every metric its
 * queries use exists in the text of a GeolabMetrics fed a simulated partition run, and the
 * dashboard imports as-is (fixed uid, `id: null`, every panel on the fixed datasource uid).
 */
import {
  allPanels,
  dashboard,
  dashboardQueries,
  DATASOURCE_UID,
  metricFamilies,
} from './dashboard';
import { fedRun, type FedRun } from './run';

let run: FedRun;
beforeAll(async () => {
  run = await fedRun();
});

it('declares, in /metrics, every metric the dashboard queries', () => {
  const declared = new Set(
    [...run.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]).filter((n) => n !== undefined),
  );
  const used = [...new Set(dashboardQueries().flatMap(metricFamilies))].sort();
  expect(used.length).toBeGreaterThanOrEqual(10);
  expect(used.filter((name) => !declared.has(name))).toEqual([]);
  // The client series the latency panels read carry samples, not just a declaration.
  expect(run.text).toMatch(/^geolab_client_op_duration_seconds_bucket\{.*outcome="ok".*\} [1-9]/m);
  expect(run.text).toMatch(/^geolab_elections_total\{mode="raft"\} [1-9]/m);
});

it('imports as-is: fixed uid, id null, every panel and target on the fixed datasource', () => {
  expect(dashboard.uid).toBe('geolab-main');
  expect(dashboard.id).toBeNull();
  expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
  expect(dashboard.__inputs).toBeUndefined();
  const panels = allPanels();
  expect(panels.length).toBeGreaterThanOrEqual(10);
  for (const panel of panels) {
    expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
      panel: panel.title,
      uid: DATASOURCE_UID,
    });
    for (const target of panel.targets ?? []) {
      expect({ panel: panel.title, uid: target.datasource?.uid }).toEqual({
        panel: panel.title,
        uid: DATASOURCE_UID,
      });
    }
  }
  for (const v of dashboard.templating.list) expect(v.datasource?.uid).toBe(DATASOURCE_UID);
  expect(JSON.stringify(dashboard)).not.toContain('${DS_');
});

it('reads metric families loosely from PromQL', () => {
  expect(
    metricFamilies(
      'histogram_quantile(0.99, sum by (le) (rate(geolab_client_op_duration_seconds_bucket[1m]))) / geolab_client_ops_total',
    ),
  ).toEqual(['geolab_client_op_duration_seconds', 'geolab_client_ops_total']);
});
