import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shortRun } from '../report/short-run';
import { geolab } from './built-cli';

describe('geolab report (built CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'geolab-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const runDir = (results: string): string => {
    const d = join(dir, 'run');
    mkdirSync(d);
    writeFileSync(join(d, 'results.json'), results);
    return d;
  };

  it('rewrites report.html and summary.md from results.json', async () => {
    const results = shortRun();
    const d = runDir(JSON.stringify(results));
    const { code, stdout, stderr } = await geolab('report', d);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(`wrote ${join(d, 'report.html')}\nwrote ${join(d, 'summary.md')}\n`);
    expect(readFileSync(join(d, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(readFileSync(join(d, 'summary.md'), 'utf8')).toContain(results.name);
  });

  it.each([
    ['a missing directory', () => join(dir, 'nope'), /^geolab: .*nope: no such run directory\n$/],
    ['a directory without results.json', () => dir, /^geolab: .*results\.json: not found/],
    ['bad JSON', () => runDir('{"schema": '), /^geolab: .*results\.json: not valid JSON \(/],
    [
      'another schema',
      () => runDir('{"schema": "geolab.results/v0"}'),
      /^geolab: .*results\.json: field "schema" is "geolab\.results\/v0", expected "geolab\.results\/v1"\n$/,
    ],
    ['no schema', () => runDir('[1, 2]'), /^geolab: .*results\.json: expected an object/],
  ])('rejects %s in one line, exiting 2', async (_what, target, message) => {
    const { code, stdout, stderr } = await geolab('report', target());
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
