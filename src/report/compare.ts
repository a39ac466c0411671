/**
 * The CAP cost table of `geolab compare`, twice: aligned text for the terminal and Markdown for
 * compare.md and the README. Only numbers the simulator fixes by seed go in (no wall times), so
 * the same seed prints the same table.
 */
import type { CompareReport, CompareRow, LatencyCell } from '../experiment/compare';

export const README_START = '<!-- compare:start -->';
/**
 * The run the README's table comes from (`npm run readme:compare` regenerates it): the issue's
 * command, every other flag at its default (seed 1, 30 s, 10 ops/s per client).
 */
export const README_COMPARE_ARGS = [
  'topologies/three-regions.yaml',
  '--modes',
  'single-copy,raft,async,leaderless:QUORUM,leaderless:ONE,multi-leader:automerge,multi-leader:lww',
  '--scenario',
  'toxics/partition-one-region.yaml',
] as const;
export const README_COMPARE_COMMAND = `npx geolab compare ${README_COMPARE_ARGS.join(' ')}`;
export const README_END = '<!-- compare:end -->';

const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(0)}%`);
const pct1 = (x: number): string => `${(100 * x).toFixed(1)}%`;
const num = (x: number | null): string => (x === null ? '—' : String(Math.round(x)));
const cell = (c: LatencyCell | undefined): string =>
  c === undefined || c.p50 === null ? '—' : `${num(c.p50)}/${num(c.p99)}`;
const VERDICT: Readonly<Record<string, string>> = {
  ok: 'yes',
  violation: 'NO',
  unknown: '?',
  'not-applicable': 'n/a',
};

/** Header and rows of the table, as strings. */
export function compareCells(report: CompareReport): { header: string[]; rows: string[][] } {
  const { regions, partition } = report.table;
  const cut = partition === null ? 'cut-off side' : partition.cutOff.join('+');
  const header = [
    'mode',
    'update op',
    ...regions.map((r) => `write ${r}`),
    ...regions.map((r) => `read ${r}`),
    `avail. ${cut}`,
    'avail. other side',
    'stale reads',
    'lost writes',
    'lost updates',
    'conflicts',
    'convergence ms',
    'linearizable',
    'causal',
    'msgs/op',
  ];
  const rows = report.table.rows.map((row: CompareRow) => [
    row.mode,
    row.updateOp,
    ...regions.map((r) => cell(row.write[r])),
    ...regions.map((r) => cell(row.read[r])),
    pct(row.availability.cutOff),
    pct(row.availability.rest),
    pct1(row.staleFraction),
    String(row.lostWrites),
    String(row.lostUpdates),
    String(row.conflicts),
    num(row.convergenceMs),
    VERDICT[row.linearizable] ?? row.linearizable,
    VERDICT[row.causal] ?? row.causal,
    row.messagesPerOp === null ? '—' : row.messagesPerOp.toFixed(1),
  ]);
  return { header, rows };
}

/** What the columns mean: printed under the table, in both forms. */
export function compareLegend(report: CompareReport): string[] {
  const p = report.table.partition;
  const sides =
    p === null
      ? 'the run had no partition, so no figure'
      : `the partition (${p.detail}): the cut-off side is ${p.cutOff.join(', ')}, the other side ${p.rest.join(', ') || 'nobody'}`;
  return [
    `${report.runtime === 'live' ? 'Live processes through the proxy' : 'Simulator'}, seed ${String(report.seed)}, ${report.durationMs / 1000} s of clients at ${report.rate} ops/s each (open loop), then the heal and a final read of every key from every region.`,
    'write/read REGION: latency p50/p99 in ms of the successful ops of that region’s clients (— none succeeded).',
    `avail.: the share of the ops invoked during the partition that were served, mean over the side’s regions; ${sides}.`,
    'stale reads: register reads that returned a value some acknowledged write had certainly replaced before the read began.',
    'lost writes: acknowledged register writes gone from the final reads (a write overwritten by a concurrent one is not lost, one overwritten by an earlier one is).',
    'lost updates: acknowledged appends missing from the final list plus acknowledged increments missing from the final count.',
    'update op: each mode runs the file’s read and write share plus one update op, an append where the mode serves lists, else an increment where it serves counters, else a write; each data type has its own keys.',
    'conflicts: concurrent writes a replica had to resolve. convergence ms: after the last fault and write, until every region read the same value (every region reads every key every 200 ms from the heal; 0: they agreed from the first of those reads).',
    'linearizable, causal: the checkers’ verdicts (causal over the register keys; n/a: the history is not one the checker reads). msgs/op: replica-to-replica messages per client op.',
  ];
}

export function renderCompareMarkdown(report: CompareReport): string {
  const { header, rows } = compareCells(report);
  const escape = (s: string): string => s.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(' | ')} |`;
  const align = header.map((_, i) => (i < 2 ? ':--' : '--:'));
  return [
    line(header),
    line(align),
    ...rows.map(line),
    '',
    ...compareLegend(report).map((l) => `- ${l}`),
    '',
  ].join('\n');
}

export function renderCompareText(report: CompareReport): string {
  const { header, rows } = compareCells(report);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...compareLegend(report),
    '',
  ].join('\n');
}

/** The README's generated section: the command line, then the table. */
export function readmeSection(command: string, report: CompareReport): string {
  return [
    README_START,
    '<!-- generated by npm run readme:compare; edits here are overwritten -->',
    '',
    '```sh',
    command,
    '```',
    '',
    renderCompareMarkdown(report).trimEnd(),
    README_END,
  ].join('\n');
}

/** The README with its section replaced; throws when the markers are missing. */
export function replaceReadmeSection(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${README_START} … ${README_END} section`);
  }
  return readme.slice(0, start) + section + readme.slice(end + README_END.length);
}

/** The README's section as it stands (markers included), or undefined. */
export function currentReadmeSection(readme: string): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  return start < 0 || end < start ? undefined : readme.slice(start, end + README_END.length);
}
