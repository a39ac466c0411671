/**
 * Debian's Chromium for the browser tests, driven by playwright-core, launched the way that
 * works here (../shared/reference/toolchain.md, "Browser tests"): a persistent context on a
 * fresh profile directory (a --user-data-dir in `args` makes Playwright throw), headless,
 * without sandbox, GPU or any background network use. Without /usr/bin/chromium a browser
 * test skips locally and fails in CI (CI=true), where .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is here, else `describe.skip` with the reason in the title. */
export function describeInChromium(title: string, body: () => void): void {
  if (!haveChromium && process.env.CI === 'true') {
    it(`${title}: needs Chromium in CI`, () => {
      throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)`);
    });
  }
  (haveChromium ? describe : describe.skip)(
    `${title}${haveChromium ? '' : ` (skipped: ${CHROMIUM} is missing)`}`,
    body,
  );
}

export function launchChromium(
  profileDir: string,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
