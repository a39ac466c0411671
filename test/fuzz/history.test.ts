import { assertTarget, histories } from './targets';

const SEED = 11;

describe('histories, fuzzed', () => {
  it('read as ops or refused with a one-line HistoryError; the checkers never crash', async () => {
    await assertTarget(histories, 400, SEED);
  });
});
