import { parseNodeId } from '../../../src/core/ids';
import { PeerLinks } from '../../../src/runtime/live/peer-links';

describe('PeerLinks', () => {
  it('is all open at once for a replica with no peers, after start returns', async () => {
    let opened = 0;
    const self = parseNodeId('a');
    const links = new PeerLinks({
      self,
      peers: [self],
      addressOf: () => undefined,
      log: () => undefined,
      onAllOpen: () => opened++,
    });
    links.start();
    expect(opened).toBe(0); // the caller reports listening first
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toBe(1);
    links.close();
  });
});
