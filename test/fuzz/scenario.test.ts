import { assertTarget, scenarioFiles } from './targets';

const SEED = 11;

describe('scenario files, fuzzed', () => {
  it('never throw; every issue is located and on one line', async () => {
    await assertTarget(scenarioFiles, 300, SEED);
  });
});
