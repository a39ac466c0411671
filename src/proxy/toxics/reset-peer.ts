import type { ToxicKind } from './toxic';

/** `timeout` in milliseconds. */
export type ResetPeerAttributes = { timeout: number };

/**
 * Nothing happens until data flows: on the first chunk (which it drops, as reset_peer.go does)
 * it waits `timeout` ms and then closes the connection. Connections accepted while such a toxic
 * exists close with RST on both sockets, even when its toxicity is 0 (link.go SetLinger(0),
 * toxiproxy issue #603); connections that were already open close with a FIN.
 */
export const resetPeer: ToxicKind<ResetPeerAttributes> = {
  type: 'reset_peer',
  defaults: { timeout: 0 },
  go: { struct: 'ResetToxic', int: 'int64' },
  resetsNewConnections: true,
  async pipe(stub, attrs) {
    const c = await stub.read();
    if (c === 'interrupted') return;
    if (!(await stub.sleep(attrs.timeout))) return;
    stub.close();
  },
};
