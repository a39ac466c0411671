import type { ReplicaEvent } from '../../../src/core/events';
import { EventBatcher } from '../../../src/runtime/live/event-batcher';

describe('EventBatcher', () => {
  it('passes role, leader and conflict events at once, and coalesces commits and metrics', () => {
    const sent: ReplicaEvent[] = [];
    const b = new EventBatcher((ev) => sent.push(ev));
    b.add({ kind: 'role', role: 'leader', term: 3 });
    b.add({ kind: 'commit', index: 5, count: 1 });
    b.add({ kind: 'commit', index: 7, count: 2 });
    b.add({ kind: 'metric', name: 'hints_total', type: 'counter', value: 1 });
    b.add({ kind: 'metric', name: 'hints_total', type: 'counter', value: 2 });
    b.add({ kind: 'metric', name: 'keys', type: 'gauge', value: 4 });
    b.add({ kind: 'metric', name: 'keys', type: 'gauge', value: 9 });
    b.add({ kind: 'metric', name: 'lag', type: 'gauge', value: 1, labels: { to: 'a' } });
    b.add({ kind: 'metric', name: 'lag', type: 'gauge', value: 2, labels: { to: 'b' } });
    expect(sent).toEqual([{ kind: 'role', role: 'leader', term: 3 }]);
    b.flush();
    expect(sent.slice(1)).toEqual([
      { kind: 'commit', index: 7, count: 3 },
      { kind: 'metric', name: 'hints_total', type: 'counter', value: 3 },
      { kind: 'metric', name: 'keys', type: 'gauge', value: 9 },
      { kind: 'metric', name: 'lag', type: 'gauge', value: 1, labels: { to: 'a' } },
      { kind: 'metric', name: 'lag', type: 'gauge', value: 2, labels: { to: 'b' } },
    ]);
    b.flush();
    expect(sent).toHaveLength(6);
  });
});
