import { HistoryError } from '../../src/workload/history/error';
import { readHistory } from '../../src/workload/history/format';
import { assertTarget, histories } from './targets';

const SEED = 11;

describe('histories, fuzzed', () => {
  it('read as ops or refused with a one-line HistoryError; the checkers never crash', async () => {
    await assertTarget(histories, 400, SEED);
  });

  // The full run's finding: the message for a non-map form printed it, and the EDN printer
  // throws RangeError for the Infinity that 1e999 reads as.
  it('refuses an EDN form holding 1e999 with a HistoryError', () => {
    expect(() => readHistory('1e999', 'edn-lines')).toThrow(HistoryError);
    expect(() => readHistory('1e999', 'edn-lines')).toThrow(
      'line 1: expected an op map {:process …, :type …}, not a value holding a number out of range (such as 1e999)',
    );
  });
});
