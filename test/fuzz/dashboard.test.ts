import { assertTarget, dashboardControls } from './targets';

const SEED = 11;

describe('dashboard control frames, fuzzed', () => {
  it('parse or are refused with a one-line error', async () => {
    await assertTarget(dashboardControls, 500, SEED);
  });
});
