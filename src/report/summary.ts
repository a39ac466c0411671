/**
 * A run's summary, k6-style: per region the ops and their latency percentiles, the faults
 * with each side's availability, the checkers' verdicts and the mode's promises. The same
 * content twice: aligned text for the terminal, Markdown for summary.md.
 */
import type { RunResults } from '../experiment/results';
import { latencyCell, pct } from './format';

/** Cells of numbers (and their separators) align right; words align left. */
const NUMERIC = /^[-\d.,%—/ ]+$/;
const lat = latencyCell;
const seconds = (x: number | null): string => (x === null ? 'end' : `${(x / 1000).toFixed(1)} s`);

interface Section {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function sections(r: RunResults): Section[] {
  const out: Section[] = [
    {
      title: 'Clients, per region (latency in ms: p50 / p90 / p99 / max of successful ops)',
      header: ['region', 'ops', 'ok', 'fail', 'info', 'read latency', 'write latency', 'available'],
      rows: r.regions.map((g) => [
        g.region,
        String(g.ops.ok + g.ops.fail + g.ops.info),
        String(g.ops.ok),
        String(g.ops.fail),
        String(g.ops.info),
        lat(g.latency.read),
        lat(g.latency.write),
        pct(g.availability),
      ]),
    },
  ];
  if (r.faults.length > 0) {
    const regions = r.regions.map((g) => g.region);
    out.push({
      title: 'Faults, and the availability of ops invoked during each',
      header: ['fault', 'from', 'to', 'what', ...regions],
      rows: r.faults.map((f) => [
        `${f.name} (${f.kind})`,
        seconds(f.startMs),
        seconds(f.endMs),
        f.detail,
        ...regions.map((g) => pct(f.availability[g] ?? null)),
      ]),
    });
  }
  const c = r.checkers;
  out.push({
    title: 'Checks',
    header: ['check', 'result'],
    rows: [
      ['linearizable', `${c.linearizable} (${c.linearizabilityKeys} keys, ${c.elapsedMs} ms)`],
      ['causal', c.causal],
      ['session guarantees', c.session],
      [
        'stale reads',
        `${r.staleness.stale} of ${r.staleness.reads} reads (${pct(r.staleness.staleFraction)})`,
      ],
      [
        'lost acknowledged writes',
        `${r.lostWrites.lost} of ${r.lostWrites.acknowledged} (${r.lostWrites.verdict})`,
      ],
      [
        'lost increments',
        `${r.lostIncrements.lost} of ${r.lostIncrements.acknowledged} (${r.lostIncrements.verdict})`,
      ],
      ['conflicts', String(r.conflicts.total)],
      [
        'convergence',
        r.convergence.ms === null
          ? r.convergence.verdict
          : `${r.convergence.verdict} in ${r.convergence.ms} ms`,
      ],
      [
        'messages per op',
        r.messages.perOp === null ? '— (not recorded live)' : String(r.messages.perOp),
      ],
    ],
  });
  out.push({
    title: `Promises of ${r.mode}`,
    header: ['promise', 'because', 'outcome'],
    rows:
      r.promises.length === 0
        ? [['none', `${r.mode} promises no checked guarantee: it is measured only`, '—']]
        : r.promises.map((p) => [
            p.checker,
            p.because,
            p.kept ? `kept (${p.outcome})` : `BROKEN (${p.outcome})`,
          ]),
  });
  return out;
}

function headline(r: RunResults): string {
  const scenario = r.scenario === null ? 'no faults' : `scenario ${r.scenario.name}`;
  const seed = r.runtime === 'sim' ? `, seed ${String(r.seed)}` : '';
  return `${r.name} · ${r.mode} · ${r.runtime}${seed} · ${scenario} · ${(r.durationMs / 1000).toFixed(0)} s of load`;
}

/** The summary for a terminal: aligned columns, a verdict line last. */
export function renderSummaryText(r: RunResults): string {
  const lines = [headline(r), ''];
  for (const s of sections(r)) {
    lines.push(s.title);
    const widths = s.header.map((h, i) =>
      Math.max(h.length, ...s.rows.map((row) => row[i].length)),
    );
    const line = (cells: readonly string[]) =>
      '  ' +
      cells
        .map((cell, i) =>
          NUMERIC.test(cell) && i > 0 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]),
        )
        .join('  ')
        .trimEnd();
    lines.push(line(s.header), ...s.rows.map(line), '');
  }
  for (const w of r.checkers.witnesses)
    lines.push(`${w.checker}:`, ...w.text.split('\n').map((l) => `  ${l}`), '');
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(verdictLine(r));
  return lines.join('\n');
}

/** summary.md: the same tables in Markdown. */
export function renderSummaryMarkdown(r: RunResults): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const lines = [`# ${headline(r)}`, ''];
  for (const s of sections(r)) {
    lines.push(
      `## ${s.title}`,
      '',
      `| ${s.header.map(escape).join(' | ')} |`,
      `|${s.header.map(() => '---').join('|')}|`,
    );
    for (const row of s.rows) lines.push(`| ${row.map(escape).join(' | ')} |`);
    lines.push('');
  }
  if (r.checkers.witnesses.length > 0) {
    lines.push('## Witnesses', '');
    for (const w of r.checkers.witnesses)
      lines.push(`### ${w.checker}`, '', '```', w.text, '```', '');
  }
  if (r.warnings.length > 0) lines.push('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  lines.push(`**${verdictLine(r)}**`, '');
  return lines.join('\n');
}

function verdictLine(r: RunResults): string {
  if (r.verdict === 'pass') {
    return r.promises.length === 0
      ? 'verdict: measured (no promise to check)'
      : 'verdict: PASS, every promise kept';
  }
  const broken = r.promises.filter((p) => !p.kept).map((p) => p.checker);
  return `verdict: FAIL, ${r.mode} broke ${broken.join(', ')}`;
}
