import { parseControl } from '../../src/dashboard/protocol';
import { assertTarget, dashboardControls } from './targets';

const SEED = 11;

describe('dashboard control frames, fuzzed', () => {
  it('parse or are refused with a one-line error', async () => {
    await assertTarget(dashboardControls, 500, SEED);
  });

  it('names an unknown field holding a newline on one line (was two lines)', () => {
    expect(parseControl('{"type":"control","id":1,"control":{"type":"heal"},"\\n":1}')).toEqual({
      ok: false,
      error: 'unknown field \\n',
    });
  });
});
