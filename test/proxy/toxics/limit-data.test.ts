import { limitDataAllowance } from '../../../src/proxy/toxics';

describe('limitDataAllowance', () => {
  it('lets whole chunks through below the limit and truncates the one crossing it', () => {
    expect(limitDataAllowance({ bytes: 100 }, 0, 40)).toBe(40);
    expect(limitDataAllowance({ bytes: 100 }, 80, 40)).toBe(20);
    expect(limitDataAllowance({ bytes: 100 }, 100, 40)).toBe(0);
  });

  it('lets nothing through at a limit of 0 or less', () => {
    expect(limitDataAllowance({ bytes: 0 }, 0, 10)).toBe(0);
    expect(limitDataAllowance({ bytes: -1 }, 0, 10)).toBe(0);
  });
});
