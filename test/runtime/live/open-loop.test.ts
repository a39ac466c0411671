import { from, runInFreshProcess } from '../../fresh-process';

describe('openLoop', () => {
  it('holds only the ops in flight, not every op it has run (a heap snapshot mid-run)', async () => {
    // Until the soak found it, the open loop kept every op's promise to the end: the
    // orchestrator grew by about 110 MB every 15 minutes at 1,000 ops/s. Here 2,000 ops/s run
    // for 3 s, each finishing at once; at 2.5 s a heap snapshot counts the promises alive.
    const stdout = await runInFreshProcess(
      `import { Rng } from ${from('src/core/random')};
import { openLoop } from ${from('src/runtime/live/live-workload')};
import { snapshotOfThisProcess } from ${from('bench/heap-snapshot')};
let ran = 0;
let promises = -1;
const start = performance.now();
setTimeout(() => {
  void snapshotOfThisProcess().then((g) => {
    promises = g.name.filter((name, n) => g.type[n] === 'object' && name === 'Promise').length;
  });
}, 2500);
void openLoop(2000, start + 3000, () => performance.now(), new Rng(7), () => 0, async (p) => {
  ran++;
  return p;
}).then(() => console.log(JSON.stringify({ ran, promises })));
`,
    );
    const { ran, promises } = JSON.parse(stdout) as { ran: number; promises: number };
    expect(ran).toBeGreaterThan(1500); // the loop ran (and the snapshot saw it running)
    expect(promises).toBeGreaterThanOrEqual(0);
    expect(promises).toBeLessThan(200);
  }, 30_000);
});
