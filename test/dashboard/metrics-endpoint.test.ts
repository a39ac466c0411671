/**
 * Issue 10's done-when, as an operator would check it: `curl /metrics` on a running dashboard
 * passes `promtool check metrics`, and every metric the Grafana dashboard queries is in it.
 * `geolab sim --dashboard` (real-time paced, three-regions raft) serves it; the scrape is a
 * plain HTTP GET. Without promtool the promtool part skips locally and fails in CI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dashboardQueries, metricFamilies } from '../metrics/dashboard';

const root = join(__dirname, '..', '..');
const havePromtool = spawnSync('promtool', ['--version']).status === 0;

it('serves /metrics that promtool accepts and that holds every metric the Grafana dashboard queries', async () => {
  if (!havePromtool && process.env.CI === 'true') {
    throw new Error('promtool is missing: .ci/run installs it (apt-get install prometheus)');
  }
  const child = spawn(
    process.execPath,
    [
      join(root, 'dist', 'cli', 'main.js'),
      'sim',
      'topologies/three-regions.yaml',
      '--dashboard',
      '--port',
      '0',
      '--speed',
      '4',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /dashboard: (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1].replace(/\/$/, ''));
      });
      child.on('exit', (code) =>
        reject(new Error(`geolab sim --dashboard exited ${code}: ${out}`)),
      );
    });
    // Let a few virtual seconds of load and an election happen.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    const exposed = new Set(
      body
        .split('\n')
        .filter((l) => l.startsWith('# TYPE '))
        .map((l) => l.split(' ')[2]),
    );
    const queried = [...new Set(dashboardQueries().flatMap(metricFamilies))];
    expect(queried.length).toBeGreaterThan(5);
    expect(queried.filter((name) => !exposed.has(name))).toEqual([]);
    if (havePromtool) {
      const checked = spawnSync('promtool', ['check', 'metrics'], {
        input: body,
        encoding: 'utf8',
      });
      expect({
        status: checked.status,
        output: `${checked.stdout}${checked.stderr}`.trim(),
      }).toEqual({
        status: 0,
        output: '',
      });
    }
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}, 60_000);
