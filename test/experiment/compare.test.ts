/**
 * `geolab compare` in the simulator over the chapter's seven modes, us-east-1 (home of the raft
 * leader, the async primary and the single-copy owner) cut off from 10 s to 30 s: the README's
 * command itself (a few seconds), its outcomes read back from the results.json files it wrote.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readmeCompareSettings } from '../../bench/readme-compare';
import { compareSettings, writeCompareDir } from '../../src/cli/compare';
import { InputError } from '../../src/cli/errors';
import {
  compareMix,
  DEFAULT_COMPARE_MODES,
  modeDirName,
  runCompare,
  type CompareReport,
  type ModeRun,
} from '../../src/experiment/compare';
import type { RunResults } from '../../src/experiment/results';
import {
  currentReadmeSection,
  README_COMPARE_COMMAND,
  readmeSection,
} from '../../src/report/compare';

const CUT = 'us-east-1';
const MAJORITY = ['eu-west-1', 'ap-southeast-1'];

let out: string;
let runs: ModeRun[];
let report: CompareReport;
const results = new Map<string, RunResults>();

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'geolab-compare-'));
  const settings = readmeCompareSettings();
  runs = runCompare(settings);
  report = writeCompareDir(out, settings, runs);
  for (const mode of DEFAULT_COMPARE_MODES) {
    const file = join(out, modeDirName(mode), 'results.json');
    results.set(mode, JSON.parse(readFileSync(file, 'utf8')) as RunResults);
  }
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

function of(mode: string): RunResults {
  const r = results.get(mode);
  if (r === undefined) throw new Error(`no results for ${mode}`);
  return r;
}

/** Availability during the partition, per region. */
function during(mode: string): Record<string, number | null> {
  const window = of(mode).faults.find((f) => f.kind === 'partition');
  if (window === undefined) throw new Error(`${mode}: no partition`);
  return { ...window.availability };
}

function regionOfNode(node: string): string {
  const run = runs.find((r) => r.mode === 'raft');
  return run?.topology.nodes.find((n) => n.id === node)?.region ?? '?';
}

describe('geolab compare, partition-one-region', () => {
  it('pins the raft leader, the async primary and the single-copy owner in the cut-off region', () => {
    for (const run of runs) {
      const r = run.topology.replication;
      if (r.mode === 'single-copy') expect(regionOfNode(r.primary)).toBe(CUT);
      if (r.mode === 'single-leader') expect(r.leaderRegion).toBe(CUT);
    }
    const firstLeader = of('raft').roles.find((e) => e.role === 'leader');
    expect(firstLeader && regionOfNode(firstLeader.node)).toBe(CUT);
    expect(report.table.partition).toMatchObject({ cutOff: [CUT], rest: MAJORITY });
  });

  it('raft: linearizable; unavailable in the cut-off region, while the majority elects a leader and carries on', () => {
    const raft = of('raft');
    expect(raft.checkers.linearizable).toBe('ok');
    const a = during('raft');
    expect(a[CUT]).toBeLessThan(0.1);
    for (const region of MAJORITY) expect(a[region]).toBeGreaterThan(0.9);
    const window = raft.faults.find((f) => f.kind === 'partition');
    const elected = raft.roles.filter(
      (e) =>
        e.role === 'leader' &&
        window !== undefined &&
        e.at >= window.startMs &&
        e.at < (window.endMs ?? Infinity),
    );
    expect(elected.map((e) => regionOfNode(e.node)).some((r) => MAJORITY.includes(r))).toBe(true);
  });

  it('single-copy: linearizable; unavailable wherever the partition cuts clients off from the copy', () => {
    // The copy lives in the cut-off region: its own clients still reach it, nobody else does.
    expect(of('single-copy').checkers.linearizable).toBe('ok');
    const a = during('single-copy');
    expect(a[CUT]).toBeGreaterThan(0.9);
    for (const region of MAJORITY) expect(a[region]).toBeLessThan(0.1);
  });

  it('leaderless ONE and multi-leader: available on both sides, with stale reads', () => {
    for (const mode of ['leaderless:ONE', 'multi-leader:automerge', 'multi-leader:lww']) {
      const a = during(mode);
      for (const region of [CUT, ...MAJORITY]) expect([mode, a[region]]).toEqual([mode, 1]);
      expect([mode, of(mode).staleness.staleFraction > 0]).toEqual([mode, true]);
    }
  });

  it('leaderless QUORUM: only the side holding a quorum of replicas answers', () => {
    const a = during('leaderless:QUORUM');
    expect(a[CUT]).toBeLessThan(0.1);
    for (const region of MAJORITY) expect(a[region]).toBeGreaterThan(0.9);
  });

  it('multi-leader CRDT (automerge): converges and loses no update', () => {
    const crdt = of('multi-leader:automerge');
    expect(crdt.convergence.verdict).toBe('converged');
    expect(crdt.lostWrites.byFunction.append ?? 0).toBe(0);
    expect(crdt.lostIncrements.lost).toBe(0);
    // The appends really happened on both sides of the partition.
    expect(runs.find((r) => r.mode === 'multi-leader:automerge')?.updateOp).toBe('append');
  });

  it('LWW and async lose acknowledged writes', () => {
    const lww = of('multi-leader:lww');
    expect(lww.lostIncrements.lost).toBeGreaterThan(0);
    expect(lww.convergence.verdict).toBe('converged');
    const async = of('async');
    expect(async.lostWrites.byFunction.append ?? 0).toBeGreaterThan(0);
    expect(async.checkers.linearizable).toBe('violation');
  });

  it('writes compare.json with the table, schema geolab.compare/v1', () => {
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as CompareReport;
    expect(json.schema).toBe('geolab.compare/v1');
    expect(json.modes.map((m) => m.mode)).toEqual([...DEFAULT_COMPARE_MODES]);
    expect(json.table.rows).toHaveLength(DEFAULT_COMPARE_MODES.length);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toContain('| raft | append |');
  });

  it('is the table in the README (npm run readme:compare regenerates it)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(currentReadmeSection(readme)).toBe(readmeSection(README_COMPARE_COMMAND, report));
  });
});

describe('compare settings', () => {
  const flags = { modes: 'raft', duration: '30s', seed: '1', rate: '10' };

  it('refuses an unknown mode in one line that lists the valid ids', () => {
    expect(() => compareSettings('t.yaml', { ...flags, modes: 'raft,paxos' })).toThrow(InputError);
    expect(() => compareSettings('t.yaml', { ...flags, modes: 'raft,paxos' })).toThrow(
      /^--modes: unknown mode "paxos" \(one of: .*single-copy.*leaderless:LEVEL/,
    );
    expect(() => compareSettings('t.yaml', { ...flags, modes: 'raft,raft' })).toThrow(
      'listed twice',
    );
    expect(() => compareSettings('t.yaml', { ...flags, rate: '0' })).toThrow('--rate');
  });

  it('gives each mode the file’s read and write share plus its update op', () => {
    const file = { read: 0.5, write: 0.4, cas: 0.1 };
    expect(compareMix(file, 'append')).toEqual({ read: 0.5, write: 0.4, append: 0.1 });
    expect(compareMix(file, 'increment')).toEqual({ read: 0.5, write: 0.4, increment: 0.1 });
    expect(compareMix(file, 'write')).toEqual({ read: 0.5, write: 0.5 });
    expect(compareMix({ read: 1, write: 1 }, 'append')).toEqual({
      read: 1,
      write: 1,
      append: 0.2,
    });
  });
});
