/**
 * report.html: one self-contained page per run, readable offline and years later. uPlot's
 * script and stylesheet are inlined from node_modules, the results are inlined as JSON, and
 * the page loads nothing else (not even a favicon). Tables, witnesses and the space-time
 * diagram are rendered here; the time-series charts are drawn in the browser by PAGE_SCRIPT.
 * Everything that came from the run (names, keys, witnesses) is HTML-escaped.
 */
import { readFileSync } from 'node:fs';
import type { RunResults } from '../experiment/results';
import { latencyCell, pct } from './format';
import { escapeHtml as esc, scriptJson } from './escape';
import { PAGE_SCRIPT } from './page-script';
import { renderSpaceTimeSvg } from './space-time';

export function renderReportHtml(results: RunResults): string {
  const title = `geolab: ${results.name} (${results.mode}, ${results.runtime})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${inlineText(readAsset('uplot/dist/uPlot.min.css'), 'style')}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="verdict ${results.verdict}">Verdict: <b>${results.verdict}</b> (${promiseLine(results)})</p>
${runTable(results)}
${regionTable(results)}
${faultTable(results)}
${findingsTable(results)}
${chartSection('latency', 'Latency over time', 'p50 (solid) and p99 (dashed) latency of successful operations invoked in each 1 s bucket, per region. Shaded: fault windows.')}
${chartSection('cdf', 'Latency CDF', 'For each latency, the fraction of successful operations at or below it: reads solid, writes dashed.')}
${chartSection('availability', 'Availability over time', 'Share of the operations invoked in each 1 s bucket that were served. Shaded: fault windows.')}
${chartSection('staleness', 'Staleness (PBS)', 'Probability that a read returned the newest acknowledged write, against how long ago that write was acknowledged.')}
${chartSection('conflicts', 'Conflicts per region', 'Concurrent writes the replicas of each region had to resolve.')}
${conflictSample(results)}
${witnesses(results)}
<section>
<h2>Messages: space-time diagram</h2>
<p class="explain">${esc(sampleCaption(results))}</p>
<div class="chart" id="chart-spaceTime">${renderSpaceTimeSvg(results)}</div>
</section>
<script type="application/json" id="results">${scriptJson(results)}</script>
<script>${inlineText(readAsset('uplot/dist/uPlot.iife.min.js'), 'script')}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function readAsset(id: string): string {
  return readFileSync(require.resolve(id), 'utf8');
}

/** Code inlined in a `<script>` or `<style>` element must not close it early. */
function inlineText(text: string, element: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}

const ms = (x: number | null): string => (x === null ? '—' : `${x} ms`);
const latency = latencyCell;

function table(caption: string, header: readonly string[], rows: readonly string[][]): string {
  const th = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><caption>${esc(caption)}</caption>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

function runTable(r: RunResults): string {
  const rows: string[][] = [
    ['topology', `${r.name} (${r.topology.file})`],
    ['mode', r.mode],
    ['runtime', r.runtime],
    ['seed', String(r.seed)],
    ['scenario', r.scenario === null ? 'none' : `${r.scenario.name} (${r.scenario.file})`],
    ['started', r.startedAt],
    ['duration', `${r.durationMs / 1000} s of client ops (wall ${(r.wallMs / 1000).toFixed(1)} s)`],
    ['regions', r.topology.regions.map((g) => `${g.name} (${g.replicas} replicas)`).join(', ')],
    ['ops', `${r.ops.ok} ok, ${r.ops.fail} fail, ${r.ops.info} info`],
  ];
  for (const w of r.warnings) rows.push(['warning', w]);
  return table('Run', ['', ''], rows);
}

function regionTable(r: RunResults): string {
  return table(
    'Per region (latency of successful ops in ms: p50 / p90 / p99 / max)',
    ['region', 'ok', 'fail', 'info', 'read latency', 'write latency', 'available'],
    r.regions.map((g) => [
      g.region,
      String(g.ops.ok),
      String(g.ops.fail),
      String(g.ops.info),
      latency(g.latency.read),
      latency(g.latency.write),
      pct(g.availability),
    ]),
  );
}

function faultTable(r: RunResults): string {
  if (r.faults.length === 0) return '<p class="note">No faults were injected.</p>';
  const regions = r.regions.map((g) => g.region);
  const window = (f: RunResults['faults'][number]): string =>
    `${(f.startMs / 1000).toFixed(1)}–${f.endMs === null ? 'end' : `${(f.endMs / 1000).toFixed(1)} s`}`;
  return table(
    'Faults, and the availability of ops invoked during each, per region',
    ['fault', 'kind', 'detail', 'window', ...regions],
    r.faults.map((f) => [
      f.name,
      f.kind,
      f.detail,
      window(f),
      ...regions.map((g) => pct(f.availability[g] ?? null)),
    ]),
  );
}

function findingsTable(r: RunResults): string {
  const c = r.checkers;
  const rows: string[][] = [
    [
      'stale reads',
      `${r.staleness.stale} of ${r.staleness.reads} (${pct(r.staleness.staleFraction)})`,
    ],
    [
      'lost writes',
      `${r.lostWrites.lost} of ${r.lostWrites.acknowledged} acknowledged (${r.lostWrites.verdict})`,
    ],
    [
      'lost increments',
      `${r.lostIncrements.lost} of ${r.lostIncrements.acknowledged} acknowledged (${r.lostIncrements.verdict})`,
    ],
    [
      'convergence',
      `${r.convergence.verdict}${r.convergence.ms === null ? '' : ` after ${ms(r.convergence.ms)}`}`,
    ],
    ['conflicts', String(r.conflicts.total)],
    [
      'checkers',
      `linearizable: ${c.linearizable}, causal: ${c.causal}, session: ${c.session}, durability: ${c.durability}`,
    ],
    ...r.promises.map((p) => [
      `promise: ${p.checker}`,
      `${p.kept ? 'kept' : 'broken'} (${p.outcome}; ${p.because})`,
    ]),
    [
      'messages',
      `${r.messages.total} (${r.messages.perOp === null ? '—' : r.messages.perOp} per op)`,
    ],
    [
      'by type',
      Object.entries(r.messages.byType)
        .map(([type, n]) => `${type} ${n}`)
        .join(', '),
    ],
  ];
  return table('Findings', ['', ''], rows);
}

function promiseLine(r: RunResults): string {
  if (r.promises.length === 0) return 'the mode promises nothing checkable: measured only';
  const broken = r.promises.filter((p) => !p.kept).length;
  return `${r.promises.length - broken} promise(s) kept, ${broken} broken`;
}

function chartSection(id: string, title: string, explain: string): string {
  return `<section>\n<h2>${esc(title)}</h2>\n<p class="explain">${esc(explain)}</p>\n<div class="chart" id="chart-${id}"></div>\n</section>`;
}

function conflictSample(r: RunResults): string {
  if (r.conflicts.sample.length === 0) return '';
  return table(
    `The first ${r.conflicts.sample.length} of ${r.conflicts.total} conflicts`,
    ['at (ms)', 'node', 'key', 'resolver', 'siblings', 'detail'],
    r.conflicts.sample
      .slice(0, 20)
      .map((c) => [String(c.at), c.node, c.key, c.resolver, String(c.siblings), c.detail ?? '']),
  );
}

function witnesses(r: RunResults): string {
  const parts = r.checkers.witnesses.map(
    (w) => `<h3>${esc(w.checker)}</h3>\n<pre>${esc(w.text)}</pre>`,
  );
  if (r.lostWrites.examples.length > 0)
    parts.push(
      `<h3>lost writes (examples)</h3>\n<pre>${esc(r.lostWrites.examples.join('\n'))}</pre>`,
    );
  const body =
    parts.length === 0
      ? '<p class="note">Every checker passed: no witnesses.</p>'
      : parts.join('\n');
  return `<section>\n<h2>Checker witnesses</h2>\n${body}\n</section>`;
}

function sampleCaption(r: RunResults): string {
  const s = r.messages.sample;
  const last = Math.max(s.fromMs, ...s.list.map((m) => m.sentAt));
  return (
    `The ${s.list.length} messages sent from ${(s.fromMs / 1000).toFixed(3)} s to ` +
    `${(last / 1000).toFixed(3)} s (the sample keeps the first ${s.list.length} sent after ` +
    `${(s.fromMs / 1000).toFixed(3)} s, until ${(s.untilMs / 1000).toFixed(3)} s at most): ` +
    `time goes down, each arrow runs from sender to ` +
    `receiver; an arrow ending in × never arrived. Shaded: fault windows.`
  );
}

const PAGE_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1150px; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; }
h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; }
caption { text-align: left; font-weight: 600; padding: 0.3em 0; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; }
.verdict.pass b { color: #2a7d2a; }
.verdict.fail b { color: #b22; }
.explain, .note { color: #555; }
.error { color: #b22; font-weight: 600; }
.chart { overflow-x: auto; }
#space-time .lane { stroke: #999; stroke-width: 1; }
#space-time .lane-label, #space-time .tick, #space-time .legend { font: 11px sans-serif; fill: #333; }
#space-time .fault { fill: rgba(225, 87, 89, 0.12); }
#space-time .fault-label { font: 11px sans-serif; fill: #a33; }
#space-time .arrow line, #space-time .arrow path { stroke-width: 1.2; }
#space-time .arrow.dropped line { stroke-dasharray: 3 2; }
`;
