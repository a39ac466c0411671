import { asNodeId } from '../../../src/core/ids';
import { Simulation } from '../../../src/runtime/sim';
import { Probe, topology, type Observed } from './support';

const t = topology(`
regions:
  - name: us-east-1
    replicas: [a, b]
latency:
  preset: aws
  distribution: constant
replication:
  mode: single-copy
`);

function setup() {
  const seen = new Map<string, Observed>();
  const replicas = new Map<string, Probe>();
  let starts = 0;
  const sim: Simulation = new Simulation({
    topology: t,
    seed: 1,
    replica: (env, node): Probe => {
      starts++;
      const observed = { received: [], timers: [] };
      seen.set(node, observed);
      const probe: Probe = new Probe(env, observed, () => sim.now);
      replicas.set(node, probe);
      return probe;
    },
  });
  return {
    sim,
    seen: (n: string) => seen.get(n) as Observed,
    replica: (n: string) => replicas.get(n) as Probe,
    starts: () => starts,
  };
}

describe('simulated nodes', () => {
  it('a crash drops unsynced writes, keeps synced ones, and restarts a fresh replica', () => {
    const { sim, replica, starts } = setup();
    sim.at(1, () => {
      const storage = replica('a').env.storage;
      storage.append([{ n: 1 }]);
      storage.put('term', 3);
      storage.sync();
      storage.append([{ n: 2 }]);
      storage.put('term', 4);
    });
    sim.at(2, () => sim.crash('a'));
    sim.at(3, () => sim.restart('a'));
    sim.runFor(10);
    const storage = replica('a').env.storage;
    expect(storage.entries(1, storage.lastIndex() + 1)).toEqual([{ n: 1 }]);
    expect(storage.get('term')).toBe(3);
    expect(starts()).toBe(3); // a and b, then a again
  });

  it('a crashed node receives nothing and its timers die with it', () => {
    const { sim, replica, seen } = setup();
    sim.at(0, () => replica('a').env.setTimer(100, 'old-life'));
    sim.at(1, () => sim.crash('a'));
    sim.at(1, () => replica('b').env.send(asNodeId('a'), { type: 'ping', body: null }));
    sim.at(50, () => sim.restart('a'));
    sim.runFor(500);
    expect(seen('a').timers).toEqual([]);
    expect(seen('a').received).toEqual([]);
  });

  it('a paused node handles what arrived, in order, when it resumes', () => {
    const { sim, replica, seen } = setup();
    sim.at(0, () => sim.pause('a'));
    sim.at(0, () => replica('a').env.setTimer(10, 'during-pause'));
    sim.at(1, () => replica('b').env.send(asNodeId('a'), { type: 'one', body: null }));
    sim.at(2, () => replica('b').env.send(asNodeId('a'), { type: 'two', body: null }));
    sim.at(100, () => sim.resume('a'));
    sim.runFor(200);
    expect(seen('a').received.map((r) => [r.type, r.at])).toEqual([
      ['one', 100],
      ['two', 100],
    ]);
    expect(seen('a').timers.map((x) => [x.tag, x.at])).toEqual([['during-pause', 100]]);
  });

  it('clock skew moves now(); drift changes how fast local timers run', () => {
    const { sim, replica, seen } = setup();
    sim.at(0, () => sim.skewClock('a', 5000));
    sim.at(0, () => sim.driftClock('b', 1)); // b's clock runs twice as fast
    sim.at(0, () => replica('a').env.setTimer(100, 'a-timer'));
    sim.at(0, () => replica('b').env.setTimer(100, 'b-timer'));
    sim.runFor(500);
    expect(sim.clockOf('a') - sim.now).toBe(5000);
    expect(seen('a').timers).toEqual([{ at: 100, tag: 'a-timer', local: 5100 }]);
    // 100 ms on a clock running at double speed pass in 50 ms of real time.
    expect(seen('b').timers).toEqual([{ at: 50, tag: 'b-timer', local: 100 }]);
  });

  it('a timer cancelled by a message handled first on resume does not fire', () => {
    const { sim, replica, seen } = setup();
    let timer = 0 as unknown as ReturnType<typeof replica>['env'] extends {
      setTimer: (...a: never[]) => infer T;
    }
      ? T
      : never;
    sim.at(0, () => {
      timer = replica('a').env.setTimer(50, 'election');
      sim.pause('a');
    });
    sim.at(10, () => replica('b').env.send(asNodeId('a'), { type: 'heartbeat', body: null }));
    sim.at(200, () => {
      // What a mode does on a heartbeat: cancel the election timer. Arrival order: the message
      // (t = 12) before the timer (t = 50), both handled at resume.
      const a = replica('a');
      const original = a.onMessage.bind(a);
      a.onMessage = (from, msg) => {
        a.env.cancelTimer(timer);
        original(from, msg);
      };
      sim.resume('a');
    });
    sim.runFor(500);
    expect(seen('a').received.map((r) => r.type)).toEqual(['heartbeat']);
    expect(seen('a').timers).toEqual([]);
  });

  it('a cancelled timer never fires', () => {
    const { sim, replica, seen } = setup();
    sim.at(0, () => {
      const env = replica('a').env;
      env.cancelTimer(env.setTimer(10, 'cancelled'));
      env.setTimer(20, 'kept');
    });
    sim.runFor(100);
    expect(seen('a').timers.map((x) => x.tag)).toEqual(['kept']);
  });
});
