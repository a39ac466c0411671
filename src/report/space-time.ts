/**
 * The space-time diagram of the sampled messages (Lamport's figure, Maelstrom's messages.svg):
 * one vertical line per endpoint, time going down, an arrow per message from (sender, sent) to
 * (receiver, arrived). A message that never arrived ends early in an ×. Plain SVG, drawn here
 * so the report needs no script for it.
 */
import type { WireMessage } from '../experiment/data';
import type { RunResults } from '../experiment/results';
import { escapeHtml } from './escape';

/** Colours for message types, in order of first use (Tableau 10, then darker variants). */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
  '#1f3b5c',
  '#8c4a0f',
];

/** Lanes share this width, each at most 90 px apart. */
const LANES_WIDTH = 820;
const LEGEND_WIDTH = 230;
const MARGIN = { top: 70, left: 60, right: 30, bottom: 20 };
const HEIGHT = 900;
/** A dropped message is drawn this share of the way to its receiver. */
const DROPPED_SHARE = 0.35;

export function renderSpaceTimeSvg(results: RunResults): string {
  const { fromMs, list } = results.messages.sample;
  if (list.length === 0) return '<p class="note">No messages were sampled.</p>';
  const lanes = laneOrder(
    results.topology.regions.map((r) => r.name),
    list,
  );
  const gap = Math.min(90, LANES_WIDTH / Math.max(1, lanes.length - 1));
  const laneX = new Map(lanes.map((name, i) => [name, MARGIN.left + i * gap]));
  // The sample stops at its size limit, often before untilMs: the axis ends with its messages.
  const endMs = Math.max(...list.map((m) => m.arrivesAt ?? m.sentAt));
  const y = (ms: number): number =>
    MARGIN.top + ((ms - fromMs) / Math.max(1, endMs - fromMs)) * (HEIGHT - MARGIN.top);
  const legendX = MARGIN.left + (lanes.length - 1) * gap + MARGIN.right;
  const width = legendX + LEGEND_WIDTH;
  const height = HEIGHT + MARGIN.bottom;
  const types = [...new Set(list.map((m) => m.type))].sort();
  const colour = new Map(types.map((t, i) => [t, PALETTE[i % PALETTE.length]]));

  const parts: string[] = [];
  for (const f of results.faults) {
    const start = Math.max(f.startMs, fromMs);
    const end = Math.min(f.endMs ?? endMs, endMs);
    if (end <= start) continue;
    parts.push(
      `<rect class="fault" x="0" y="${n(y(start))}" width="${width}" height="${n(y(end) - y(start))}"/>`,
      `<text class="fault-label" x="${MARGIN.left + 4}" y="${n(y(start) + 12)}">${escapeHtml(f.name)}: ${escapeHtml(f.detail)}</text>`,
    );
  }
  for (const name of lanes) {
    const x = laneX.get(name) ?? 0;
    parts.push(
      `<line class="lane" x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${HEIGHT}"/>`,
      `<text class="lane-label" transform="translate(${x},${MARGIN.top - 6}) rotate(-30)">${escapeHtml(name)}</text>`,
    );
  }
  for (const tick of timeTicks(fromMs, endMs)) {
    parts.push(
      `<text class="tick" x="${MARGIN.left - 10}" y="${n(y(tick) + 4)}" text-anchor="end">${(tick / 1000).toFixed(2)} s</text>`,
    );
  }
  for (const m of list) {
    parts.push(arrow(m, laneX, y, colour.get(m.type) ?? PALETTE[0]));
  }
  types.forEach((t, i) => {
    const ly = MARGIN.top + i * 18;
    const count = list.filter((m) => m.type === t).length;
    parts.push(
      `<rect x="${legendX}" y="${ly - 9}" width="12" height="10" fill="${colour.get(t)}"/>`,
      `<text class="legend" x="${legendX + 16}" y="${ly}">${escapeHtml(t)} (${count})</text>`,
    );
  });
  return [
    `<svg id="space-time" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="space-time diagram of ${list.length} messages">`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** Endpoints grouped by region (in topology order), each region's client first. */
function laneOrder(regions: readonly string[], list: readonly WireMessage[]): string[] {
  const names = [...new Set(list.flatMap((m) => [m.from, m.to]))].sort();
  const regionOf = (name: string): number => {
    const client = /^client@(.*)$/.exec(name);
    const region = client
      ? client[1]
      : regions.filter((r) => name.startsWith(`${r}-`)).sort((a, b) => b.length - a.length)[0];
    const i = region === undefined ? -1 : regions.indexOf(region);
    return i < 0 ? regions.length : i;
  };
  const isClient = (name: string): number => (name.startsWith('client@') ? 0 : 1);
  return names.sort(
    (a, b) => regionOf(a) - regionOf(b) || isClient(a) - isClient(b) || a.localeCompare(b),
  );
}

function arrow(
  m: WireMessage,
  laneX: ReadonlyMap<string, number>,
  y: (ms: number) => number,
  colour: string,
): string {
  const x1 = laneX.get(m.from) ?? 0;
  const x2 = laneX.get(m.to) ?? 0;
  const y1 = y(m.sentAt);
  const dropped = m.arrivesAt === undefined;
  const title = `${m.type}: ${m.from} → ${m.to}, sent ${m.sentAt} ms, ${
    dropped ? 'never arrived' : `arrived ${m.arrivesAt} ms`
  }`;
  const end = dropped
    ? { x: x1 + (x2 - x1) * DROPPED_SHARE, y: y1 + 6 }
    : { x: x2, y: y(m.arrivesAt as number) };
  const tip = dropped ? cross(end.x, end.y) : arrowHead(x1, y1, end.x, end.y, colour);
  return (
    `<g class="arrow${dropped ? ' dropped' : ''}" stroke="${colour}">` +
    `<title>${escapeHtml(title)}</title>` +
    `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(end.x)}" y2="${n(end.y)}"/>${tip}</g>`
  );
}

function arrowHead(x1: number, y1: number, x2: number, y2: number, colour: string): string {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 6;
  const wing = (turn: number): string =>
    `${n(x2 - size * Math.cos(angle + turn))},${n(y2 - size * Math.sin(angle + turn))}`;
  return `<polygon points="${n(x2)},${n(y2)} ${wing(0.4)} ${wing(-0.4)}" fill="${colour}"/>`;
}

function cross(x: number, y: number): string {
  const s = 4;
  return (
    `<path class="cross" d="M${n(x - s)},${n(y - s)}L${n(x + s)},${n(y + s)}` +
    `M${n(x - s)},${n(y + s)}L${n(x + s)},${n(y - s)}"/>`
  );
}

/** Round ticks (ms) over the window: about eight of them, at 1, 2 or 5 × 10ⁿ ms apart. */
function timeTicks(fromMs: number, endMs: number): number[] {
  const rough = (endMs - fromMs) / 8;
  const power = 10 ** Math.floor(Math.log10(Math.max(rough, 1)));
  const step = [1, 2, 5, 10].map((k) => k * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= endMs; t += step) ticks.push(t);
  return ticks;
}

const n = (x: number): string => x.toFixed(1);
