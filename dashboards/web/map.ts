import type { HelloFrame, LinkState, NodeState, StateFrame } from '../../src/dashboard/protocol';
import type { App } from './main';
import { partitionOptions } from './controls';

const SVG = 'http://www.w3.org/2000/svg';
const BOX_W = 320;
const ROW_H = 26;

/**
 * The region map (RaftScope's servers, per region): each region a box of its replicas with
 * role, term, commit index, lag and key count when known, and kill/restart buttons; links
 * between regions coloured by measured round trip, dashed red when cut. Clicking a region
 * cuts it off from the others (the controls' partition mode and one-way), or heals it when
 * it is cut; clicking a link picks it for the latency slider.
 */
export class RegionMap {
  constructor(
    private readonly svg: SVGSVGElement,
    private readonly app: App,
  ) {
    svg.addEventListener('click', (e) => void this.click(e));
  }

  render(hello: HelloFrame, state: StateFrame): void {
    const regions = hello.topology.regions.map((r) => r.name);
    const centre = placeRegions(regions);
    const parts: Element[] = [];
    regions.forEach((a, i) => {
      for (const b of regions.slice(i + 1)) {
        const there = state.links.find((l) => l.from === a && l.to === b);
        const back = state.links.find((l) => l.from === b && l.to === a);
        if (there && back) parts.push(...drawLink(centre(a), centre(b), there, back));
      }
    });
    for (const region of regions) {
      const nodes = state.nodes.filter((n) => n.region === region);
      const stats = state.stats.find((s) => s.region === region);
      parts.push(drawRegion(region, centre(region), nodes, stats, this.isolated(region, state)));
    }
    this.svg.replaceChildren(...parts);
  }

  /** The active partition that cuts `region` off, if any (its fault id). */
  private isolatedBy(region: string, state: StateFrame): number | undefined {
    return state.faults.find(
      (f) =>
        f.kind === 'partition' &&
        (f.detail.startsWith(`${region} cut off`) ||
          f.detail.startsWith(`${region} can no longer`)),
    )?.id;
  }

  private isolated(region: string, state: StateFrame): boolean {
    return this.isolatedBy(region, state) !== undefined;
  }

  private async click(e: MouseEvent): Promise<void> {
    const el = (e.target as Element).closest('[data-action]');
    const state = this.app.state;
    if (!el || !state) return;
    const action = el.getAttribute('data-action');
    const node = el.getAttribute('data-node') ?? '';
    if (action === 'kill' || action === 'restart') {
      await this.app.send({ type: action, node });
    } else if (action === 'region') {
      const region = el.getAttribute('data-region') ?? '';
      const fault = this.isolatedBy(region, state);
      if (fault !== undefined) await this.app.send({ type: 'heal', fault });
      else await this.app.send({ type: 'partition', a: [region], ...partitionOptions() });
    } else if (action === 'link') {
      document.dispatchEvent(
        new CustomEvent('geolab:select-link', {
          detail: { from: el.getAttribute('data-from'), to: el.getAttribute('data-to') },
        }),
      );
    }
  }
}

type Point = { x: number; y: number };

function placeRegions(regions: readonly string[]): (region: string) => Point {
  const n = regions.length;
  return (region) => {
    const i = regions.indexOf(region);
    if (n === 1) return { x: 450, y: 260 };
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return { x: 450 + 280 * Math.cos(angle), y: 265 + 165 * Math.sin(angle) };
  };
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function latencyColour(ms: number | null): string {
  if (ms === null) return '#aab';
  if (ms < 60) return '#2e9d4a';
  if (ms < 150) return '#d9a400';
  return '#d2572b';
}

function drawLink(a: Point, b: Point, there: LinkState, back: LinkState): Element[] {
  const cut = there.cut || back.cut;
  const measured =
    there.measuredMs === null || back.measuredMs === null
      ? (there.measuredMs ?? back.measuredMs)
      : Math.max(there.measuredMs, back.measuredMs);
  const line = el('line', {
    x1: a.x,
    y1: a.y,
    x2: b.x,
    y2: b.y,
    class: `link${cut ? ' cut' : ''}`,
    stroke: latencyColour(measured),
    'data-action': 'link',
    'data-from': there.from,
    'data-to': there.to,
    'data-cut': String(cut),
  });
  const oneWay = there.cut !== back.cut;
  const added = Math.max(there.addedMs, back.addedMs);
  const label = cut
    ? `✂ cut${oneWay ? ` (${there.cut ? `${there.from}→${there.to}` : `${back.from}→${back.to}`})` : ''}`
    : `${measured === null ? '–' : `${measured.toFixed(0)} ms`} (cfg ${there.configuredMs.toFixed(0)}${added > 0 ? ` +${added}` : ''})`;
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const text = el(
    'text',
    { x: mid.x, y: mid.y - 6, 'text-anchor': 'middle', class: `link-label${cut ? ' cut' : ''}` },
    label,
  );
  return [line, text];
}

function drawRegion(
  region: string,
  at: Point,
  nodes: readonly NodeState[],
  stats: StateFrame['stats'][number] | undefined,
  cut: boolean,
): Element {
  const height = 58 + ROW_H * nodes.length;
  const x = at.x - BOX_W / 2;
  const y = at.y - height / 2;
  const g = el('g', {
    class: cut ? 'region cut' : 'region',
    'data-region': region,
    'data-cut': String(cut),
    'data-errors': stats?.errorsPerSec ?? 0,
    'data-ops': stats?.opsPerSec ?? 0,
  });
  g.append(
    el('rect', {
      x,
      y,
      width: BOX_W,
      height,
      rx: 8,
      class: 'box',
      'data-action': 'region',
      'data-region': region,
    }),
    el(
      'text',
      { x: x + 10, y: y + 20, class: 'name', 'data-action': 'region', 'data-region': region },
      region,
    ),
  );
  nodes.forEach((n, i) => {
    const rowY = y + 32 + i * ROW_H;
    const row = el('g', {
      class: 'node',
      'aria-label': n.id,
      'data-node': n.id,
      'data-role': n.role,
      'data-up': String(n.up),
    });
    row.append(
      el('circle', { cx: x + 18, cy: rowY + 8, r: 7, fill: roleColour(n.role) }),
      el('text', { x: x + 32, y: rowY + 12 }, describeNode(n)),
    );
    const action = n.up ? 'kill' : 'restart';
    const button = el('g', { class: 'btn', 'data-action': action, 'data-node': n.id });
    button.append(
      el('rect', { x: x + BOX_W - 62, y: rowY - 2, width: 54, height: 20, rx: 4 }),
      el('text', { x: x + BOX_W - 35, y: rowY + 12, 'text-anchor': 'middle' }, action),
    );
    row.append(button);
    g.append(row);
  });
  const line = stats
    ? `ok ${stats.opsPerSec}/s · errors ${stats.errorsPerSec}/s · p50 ${ms(stats.p50)} · p99 ${ms(stats.p99)}`
    : '';
  g.append(el('text', { x: x + 10, y: y + height - 10, class: 'stats' }, line));
  return g;
}

function ms(x: number | null): string {
  return x === null ? '–' : `${x.toFixed(0)} ms`;
}

function describeNode(n: NodeState): string {
  // The box names the region: `us-east-1-n2` reads as `n2` inside it.
  const local = n.id.startsWith(`${n.region}-`) ? n.id.slice(n.region.length + 1) : n.id;
  const short = local.length > 22 ? `…${local.slice(-20)}` : local;
  const parts = [short, n.role];
  if (n.term !== null) parts.push(`t${n.term}`);
  if (n.commitIndex !== null) parts.push(`ci ${n.commitIndex}`);
  if (n.lag !== null) parts.push(`lag ${n.lag}`);
  if (n.keys !== null) parts.push(`${n.keys} keys`);
  return parts.join(' · ');
}

function roleColour(role: string): string {
  switch (role) {
    case 'leader':
    case 'primary':
      return '#0b4f9c';
    case 'candidate':
    case 'pre-candidate':
      return '#e0a000';
    case 'down':
      return '#bbb';
    case 'replica':
      return '#4a9d6a';
    default:
      return '#8fb3dd';
  }
}
