/**
 * report.html in a real browser (Debian's Chromium driven by playwright-core): it renders
 * every chart with data, logs no error, and loads nothing but itself.
 * Without /usr/bin/chromium the test skips locally and fails in CI (CI=true).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { describeInChromium, launchChromium } from '../chromium';
import { renderReportHtml } from '../../src/report/html';
import { shortRun } from './short-run';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describeInChromium('report.html in Chromium', () => {
  let dir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'geolab-report-'));
    context = await launchChromium(join(dir, 'profile'), { width: 1200, height: 900 });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart with data, without errors or requests', async () => {
    const results = shortRun();
    const witness = { checker: 'probe', text: '</script><b id="injected">x</b>' };
    const file = join(dir, 'report.html');
    writeFileSync(
      file,
      renderReportHtml({
        ...results,
        checkers: { ...results.checkers, witnesses: [witness] },
      }),
    );
    const url = pathToFileURL(file).href;

    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const report = await page.evaluate(
      () =>
        (globalThis as unknown as { geolabReport?: { charts: Record<string, number> } })
          .geolabReport,
    );
    const arrows = await page.locator('#space-time .arrow').count();
    const injected = await page.locator('#injected').count();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });

    expect({ errors, requests }).toEqual({ errors: [], requests: [] });
    expect(Object.keys(report?.charts ?? {}).sort()).toEqual(
      ['availability', 'cdf', 'conflicts', 'latency', 'spaceTime', 'staleness'].sort(),
    );
    for (const [name, points] of Object.entries(report?.charts ?? {}))
      expect({ name, drawn: points > 0 }).toEqual({ name, drawn: true });
    expect(arrows).toBeGreaterThan(0);
    expect(injected).toBe(0);
    expect(await page.locator('pre').first().textContent()).toContain('</script><b id="injected">');
  });
});
