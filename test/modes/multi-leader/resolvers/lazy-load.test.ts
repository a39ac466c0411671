import { from, runInFreshProcess } from '../../../fresh-process';

describe('the resolvers', () => {
  it('load Automerge and Yjs only for a topology that uses them (a fresh process)', async () => {
    // Static imports made every replica load both, whatever its mode: 0.24 s of CPU at each
    // start and 15 MB of RSS (the 27-replica run and the soak; docs/reliability/soak.md).
    const stdout = await runInFreshProcess(
      `import { replicaMaker } from ${from('src/runtime/modes')};
import { makeResolver, type ResolverName } from ${from('src/modes/multi-leader/resolvers')};
void replicaMaker; // the registry a replica process loads, with every mode in it
const loaded = () => {
  const files = Object.keys(require.cache);
  return {
    automerge: files.some((f) => f.includes('@automerge')),
    yjs: files.some((f) => /[\\\\/]yjs[\\\\/]/.test(f)),
  };
};
const seen = [loaded()];
for (const name of ['lww', 'automerge', 'yjs'] as ResolverName[]) {
  makeResolver(name, { shards: 1, random: Math.random, now: Date.now, self: 'n1' as never });
  seen.push(loaded());
}
console.log(JSON.stringify(seen));
`,
    );
    expect(JSON.parse(stdout)).toEqual([
      { automerge: false, yjs: false },
      { automerge: false, yjs: false }, // lww
      { automerge: true, yjs: false }, // automerge
      { automerge: true, yjs: true }, // yjs
    ]);
  }, 30_000);
});
