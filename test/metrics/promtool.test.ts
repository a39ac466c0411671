/**
 * `/metrics` as Prometheus' own tool judges it: `promtool check metrics` (format and the
 * promlint rules: _total counters, base units, help text) on the text of GeolabMetrics fed
 * simulated partition runs in modes that emit different replica metrics, and
 * `promtool check rules` on every dashboard query (as recording rules), so a PromQL typo fails
 * here rather than in Grafana. Without promtool (Debian's `prometheus` package) the test skips
 * locally and fails in CI (CI=true), where .ci/run installs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardQueries } from './dashboard';
import { fedRun } from './run';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const havePromtool = promtool.status === 0;

if (!havePromtool && process.env.CI === 'true') {
  it('needs promtool in CI', () => {
    throw new Error('promtool is missing: .ci/run installs it (apt-get install prometheus)');
  });
}

function run(args: string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

(havePromtool ? describe : describe.skip)(
  `promtool${havePromtool ? '' : ' (skipped: promtool is missing; apt-get install prometheus)'}`,
  () => {
    it.each(['raft', 'multi-leader:lww', 'async'])(
      '/metrics of a %s partition run passes promtool check metrics with no lint problem',
      async (mode) => {
        // 12 s: the cut (at 10 s) has begun, and the run stays short.
        const { text } = await fedRun(mode, 12_000);
        expect(text).toContain('# TYPE geolab_client_op_duration_seconds histogram');
        expect(run(['check', 'metrics'], text)).toEqual({ status: 0, output: '' });
      },
    );

    it('every dashboard query parses as PromQL (promtool check rules)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'geolab-rules-'));
      try {
        // Grafana's variables, as Grafana would substitute them.
        const rules = dashboardQueries()
          .filter((q) => !q.startsWith('label_values('))
          .map((q, i) => ({
            record: `geolab:dashboard_query_${i}`,
            expr: q.replaceAll('$__rate_interval', '1m').replaceAll('$region', '.*'),
          }));
        const file = join(dir, 'rules.yml');
        writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
        const checked = run(['check', 'rules', file]);
        expect(checked.output).toContain(`SUCCESS: ${rules.length} rules found`);
        expect(checked.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
