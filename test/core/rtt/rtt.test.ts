import type { Replica } from '../../../src/core/env';
import { asNodeId, type NodeId } from '../../../src/core/ids';
import type { Json } from '../../../src/core/json';
import { PING, PONG, ping, pong, readPingBody } from '../../../src/core/rtt/ping';
import { RTT_TIMER, RttProbe, withRttProbe } from '../../../src/core/rtt/rtt-probe';
import { observeRtt, type RttStats } from '../../../src/core/rtt/rtt-stats';
import { FakeEnv } from '../fake-env';

const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(asNodeId);

describe('observeRtt (RFC 6298 smoothing)', () => {
  it('starts at SRTT = R, RTTVAR = R/2 and smooths with α = 1/8, β = 1/4', () => {
    let s: RttStats = observeRtt(undefined, 100, 1);
    expect(s).toEqual({
      samples: 1,
      lastMs: 100,
      minMs: 100,
      maxMs: 100,
      srttMs: 100,
      rttvarMs: 50,
      at: 1,
    });
    s = observeRtt(s, 200, 2);
    expect(s.srttMs).toBeCloseTo(112.5);
    expect(s.rttvarMs).toBeCloseTo(0.75 * 50 + 0.25 * 100);
    s = observeRtt(s, 60, 3);
    expect([s.samples, s.lastMs, s.minMs, s.maxMs, s.at]).toEqual([3, 60, 60, 200, 3]);
  });

  it('converges to a constant RTT', () => {
    let s = observeRtt(undefined, 10, 0);
    for (let i = 0; i < 200; i++) s = observeRtt(s, 80, i);
    expect(s.srttMs).toBeCloseTo(80, 5);
    expect(s.rttvarMs).toBeCloseTo(0, 5);
  });
});

describe('ping messages', () => {
  it('round-trip their bodies and drop malformed ones', () => {
    expect(readPingBody(ping(3, 12.5).body)).toEqual({ seq: 3, sentAt: 12.5 });
    expect(pong({ seq: 3, sentAt: 12.5 })).toEqual({ type: PONG, body: { seq: 3, sentAt: 12.5 } });
    const bads: Json[] = [null, 1, { seq: -1, sentAt: 0 }, { seq: 1 }, { seq: 1, sentAt: 0, x: 1 }];
    for (const bad of bads) {
      expect(readPingBody(bad)).toBeUndefined();
    }
  });
});

describe('RttProbe', () => {
  it('measures each peer on the pinger’s own clock, whatever the peers’ clocks say', () => {
    const envs = new Map([n1, n2, n3].map((n) => [n, new FakeEnv(n)]));
    const probes = new Map([...envs].map(([n, env]) => [n, new RttProbe(env, [n1, n2, n3])]));
    (envs.get(n2) as FakeEnv).time = 1_000_000; // a skewed clock must not matter
    const oneWay: Record<string, number> = { n1n2: 40, n2n1: 35, n1n3: 5, n3n1: 7 };
    const delay = (a: NodeId, b: NodeId): number => oneWay[`${a}${b}`];
    for (let i = 0; i < 3; i++) {
      const e1 = envs.get(n1) as FakeEnv;
      e1.time = 1000 * i;
      (probes.get(n1) as RttProbe).pingAll();
      // Only n1's own clock enters the measurement: n2 echoes sentAt from its far-off clock.
      for (const { to, msg } of e1.drain()) {
        const peer = envs.get(to) as FakeEnv;
        (probes.get(to) as RttProbe).handle(n1, msg);
        for (const back of peer.drain()) {
          expect(back.to).toBe(n1);
          e1.time = 1000 * i + delay(n1, to) + delay(to, n1);
          (probes.get(n1) as RttProbe).handle(to, back.msg);
        }
      }
    }
    const report = (probes.get(n1) as RttProbe).report();
    expect(Object.keys(report.peers)).toEqual(['n2', 'n3']);
    expect(report.peers[n2]).toMatchObject({
      sent: 3,
      received: 3,
      rtt: { lastMs: 75, minMs: 75, srttMs: 75 },
    });
    expect(report.peers[n3]).toMatchObject({ sent: 3, received: 3, rtt: { lastMs: 12 } });
    expect(report.node).toBe('n1');
  });

  it('ignores pongs it could not have caused, and leaves other messages alone', () => {
    const env = new FakeEnv('n1');
    const probe = new RttProbe(env, [n1, n2]);
    env.time = 100;
    probe.pingAll();
    expect(probe.handle(n3, pong({ seq: 1, sentAt: 100 }))).toBe(true); // not a peer
    expect(probe.handle(n2, pong({ seq: 9, sentAt: 100 }))).toBe(true); // never sent
    expect(probe.handle(n2, pong({ seq: 1, sentAt: 500 }))).toBe(true); // from the future
    expect(probe.handle(n2, { type: PONG, body: 'garbage' })).toBe(true);
    expect(probe.report().peers[n2]).toEqual({ sent: 1, received: 0 });
    expect(probe.handle(n2, { type: 'append', body: null })).toBe(false);
  });
});

describe('withRttProbe', () => {
  it('answers pings, pings on its timer, and passes everything else to the mode', () => {
    const env = new FakeEnv('n1');
    const seen: string[] = [];
    const inner: Replica = {
      onStart: () => seen.push('start'),
      onMessage: (from, msg) => seen.push(`msg ${from} ${msg.type}`),
      onClient: (req) => seen.push(`client ${req.id}`),
      onTimer: (tag) => seen.push(`timer ${tag}`),
    };
    const { replica, probe } = withRttProbe(inner, env, { peers: [n1, n2], intervalMs: 500 });
    replica.onStart();
    expect([...env.timers.values()]).toEqual([{ at: 500, tag: RTT_TIMER }]);
    replica.onMessage(n2, ping(7, 3));
    expect(env.drain()).toEqual([{ to: n2, msg: pong({ seq: 7, sentAt: 3 }) }]);
    replica.onMessage(n2, { type: 'vote', body: null });
    replica.onTimer('election');
    env.time = 500;
    for (const tag of env.due()) replica.onTimer(tag);
    expect(env.drain()).toEqual([{ to: n2, msg: ping(1, 500) }]);
    expect([...env.timers.values()]).toEqual([{ at: 1000, tag: RTT_TIMER }]);
    env.time = 560;
    replica.onMessage(n2, pong({ seq: 1, sentAt: 500 }));
    expect(probe.report().peers[n2].rtt?.lastMs).toBe(60);
    expect(seen).toEqual(['start', 'msg n2 vote', 'timer election']);
    expect(PING).toBe('geolab.ping');
  });
});
