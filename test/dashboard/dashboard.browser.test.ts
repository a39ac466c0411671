/**
 * The dashboard end to end, in Debian's Chromium driven by playwright-core: a live
 * three-region Raft cluster (one replica per region, on free ports) with the dashboard; the
 * page shows three regions and a leader; a click cuts the leader's region off; within a few
 * seconds the other two elect a new leader and the cut-off region's writes fail; a second
 * click heals. Screenshots go to test-artifacts/dashboard-*.png.
 * Without /usr/bin/chromium the test skips locally and fails in CI (CI=true).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { parseDocument } from 'yaml';
import { startLiveDashboard, type LiveDashboard } from '../../src/dashboard/live-dashboard';
import { onFreePorts } from '../../src/runtime/live/raft-failover';
import { describeInChromium, launchChromium } from '../chromium';

/** The little of the DOM the page functions below use (test/ compiles without the DOM lib). */
interface El {
  getAttribute(name: string): string | null;
  closest(selector: string): El | null;
}
interface Doc {
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
}
const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
/** three-regions.yaml with one replica per region: a majority of 3 is any two regions. */
function threeByOne(dir: string): ReturnType<typeof onFreePorts> {
  const doc = parseDocument(readFileSync(join(ROOT, 'topologies', 'three-regions.yaml'), 'utf8'));
  for (let i = 0; i < 3; i++) doc.setIn(['regions', i, 'replicas'], 1);
  const source = join(dir, 'source', 'three-regions.yaml');
  mkdirSync(join(dir, 'source'));
  writeFileSync(source, doc.toString());
  return onFreePorts(source, dir);
}

/** The region of the replica the page shows as leader, once there is one not in `except`. */
async function leaderRegion(page: Page, except?: string): Promise<string> {
  const handle = await page.waitForFunction(
    (not) => {
      for (const n of (globalThis as unknown as { document: Doc }).document.querySelectorAll(
        '#map .node[data-role="leader"][data-up="true"]',
      )) {
        const region = n.closest('.region')?.getAttribute('data-region');
        if (region && region !== not) return region;
      }
      return undefined;
    },
    except,
    { timeout: 15_000, polling: 100 },
  );
  return (await handle.jsonValue()) as string;
}

describeInChromium('the dashboard in Chromium', () => {
  let dir: string;
  let context: BrowserContext | undefined;
  let dashboard: LiveDashboard | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'geolab-dashboard-'));
    const { file, topology } = threeByOne(dir);
    dashboard = await startLiveDashboard({
      topology,
      topologyFile: file,
      dataDir: join(dir, 'data'),
      log: (m) => logs.push(m),
      server: { port: 0 },
    });
    context = await launchChromium(join(dir, 'profile'), { width: 1400, height: 1000 });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    const pids = dashboard?.cluster.nodes().map((n) => n.pid) ?? [];
    await dashboard?.stop();
    await dashboard?.session.drained();
    rmSync(dir, { recursive: true, force: true });
    // No replica process outlives the dashboard.
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 30_000);

  it('partitions the leader’s region by a click, shows the new leader and failing writes, heals', async () => {
    const server = dashboard?.server;
    if (!context || !server) throw new Error('the dashboard did not start');
    const page = await context.newPage();
    const errors: string[] = [];
    const foreign: string[] = [];
    const origin = new URL(server.url).origin;
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(server.url, { waitUntil: 'load' });

    // Three regions, a leader, and clients getting answers everywhere.
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: Doc }).document.querySelectorAll('#map .region')
          .length === 3,
    );
    const oldLeader = await leaderRegion(page);
    await page.waitForFunction(
      () =>
        [
          ...(globalThis as unknown as { document: Doc }).document.querySelectorAll('#map .region'),
        ].every((r) => Number(r.getAttribute('data-ops')) > 0),
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-1-up.png'), fullPage: true });

    // Cut the leader's region off with a click on it.
    const cutAt = Date.now();
    await page.locator(`#map .region[data-region="${oldLeader}"] text.name`).click();
    await page.waitForSelector(`#map .region[data-region="${oldLeader}"][data-cut="true"]`);
    await page.waitForSelector('#map line.link[data-cut="true"]');
    const newLeader = await leaderRegion(page, oldLeader);
    const minority = page.locator(`#map .region[data-region="${oldLeader}"]`);
    await page.waitForFunction(
      (r) => {
        const g = (globalThis as unknown as { document: Doc }).document.querySelector(
          `#map .region[data-region="${r}"]`,
        );
        return (
          Number(g?.getAttribute('data-errors')) > 0 && Number(g?.getAttribute('data-ops')) === 0
        );
      },
      oldLeader,
      { timeout: 15_000, polling: 100 },
    );
    const failoverMs = Date.now() - cutAt;
    await expect(page.locator('#timeline')).toBeDefined();
    const timeline = (await page.locator('#timeline').textContent()) ?? '';
    expect(timeline).toContain(`${oldLeader} cut off`);
    expect(timeline).toMatch(/elected leader \(term \d+\)/);
    await page.screenshot({
      path: join(ARTIFACTS, 'dashboard-2-partitioned.png'),
      fullPage: true,
    });

    // Heal with a second click on the same region.
    await minority.locator('text.name').click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { document: Doc }).document.querySelectorAll(
          '#map line.link[data-cut="true"]',
        ).length === 0,
      undefined,
      { timeout: 10_000 },
    );
    await page.waitForFunction(
      (r) => {
        const g = (globalThis as unknown as { document: Doc }).document.querySelector(
          `#map .region[data-region="${r}"]`,
        );
        return Number(g?.getAttribute('data-ops')) > 0;
      },
      oldLeader,
      { timeout: 20_000, polling: 200 },
    );
    expect((await page.locator('#timeline').textContent()) ?? '').toContain('healed');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-3-healed.png'), fullPage: true });

    expect({ errors, foreign }).toEqual({ errors: [], foreign: [] });
    expect(newLeader).not.toBe(oldLeader);
    // "Within a few seconds": a new leader and failing writes, measured from the click.
    expect(failoverMs).toBeLessThan(15_000);
  }, 90_000);
});
