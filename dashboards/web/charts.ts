import uPlot from 'uplot';
import type { HelloFrame, RegionStats, StateFrame } from '../../src/dashboard/protocol';

/** How many state frames a chart keeps (500 ms apart: two minutes). */
const KEEP = 240;
const COLOURS = ['#0b4f9c', '#d2572b', '#2e9d4a', '#8a3ab9', '#d9a400', '#555'];

interface Chart {
  readonly plot: uPlot;
  readonly data: number[][];
  readonly value: (s: RegionStats | undefined) => number | null;
}

/**
 * Jepsen-style live plots: per region ops/s, p50 and p99 latency, errors/s, and the stale
 * reads and conflicts seen so far, over the last two minutes, with every fault's window
 * shaded (from when it started to when it was healed).
 */
export class Charts {
  private charts: Chart[] = [];
  private regions: string[] = [];
  /** Fault windows in seconds: start, and end once healed. */
  private readonly windows = new Map<number, { start: number; end?: number }>();

  constructor(private readonly root: HTMLElement) {}

  init(hello: HelloFrame): void {
    for (const c of this.charts) c.plot.destroy();
    this.root.replaceChildren();
    this.windows.clear();
    this.regions = hello.topology.regions.map((r) => r.name);
    const specs: [string, string, Chart['value']][] = [
      ['ops', 'ok ops/s', (s) => s?.opsPerSec ?? 0],
      ['p50', 'latency p50 (ms)', (s) => s?.p50 ?? null],
      ['p99', 'latency p99 (ms)', (s) => s?.p99 ?? null],
      ['errors', 'errors/s (fail + unknown)', (s) => s?.errorsPerSec ?? 0],
      ['stale', 'stale reads (total)', (s) => s?.staleReads ?? 0],
      ['conflicts', 'conflicts (total)', (s) => s?.conflicts ?? 0],
    ];
    this.charts = specs.map(([id, title, value]) => {
      const box = document.createElement('div');
      box.dataset.chart = id;
      this.root.append(box);
      const data: number[][] = [[], ...this.regions.map(() => [])];
      const plot = new uPlot(
        {
          title,
          width: 430,
          height: 190,
          scales: { x: { time: false } },
          legend: { live: false },
          axes: [{ label: 's' }, {}],
          series: [
            { label: 't (s)' },
            ...this.regions.map((r, i) => ({
              label: r,
              stroke: COLOURS[i % COLOURS.length],
              width: 1.5,
              spanGaps: false,
            })),
          ],
          hooks: { drawClear: [(u: uPlot) => this.shade(u)] },
        },
        data as uPlot.AlignedData,
        box,
      );
      return { plot, data, value };
    });
  }

  push(state: StateFrame): void {
    const t = state.t / 1000;
    const active = new Set(state.faults.map((f) => f.id));
    for (const f of state.faults) {
      if (!this.windows.has(f.id)) this.windows.set(f.id, { start: f.startMs / 1000 });
    }
    for (const [id, w] of this.windows) if (!active.has(id) && w.end === undefined) w.end = t;
    for (const chart of this.charts) {
      const last = chart.data[0].at(-1);
      if (last !== undefined && t <= last) continue;
      chart.data[0].push(t);
      this.regions.forEach((r, i) => {
        const v = chart.value(state.stats.find((s) => s.region === r));
        chart.data[i + 1].push(v as number);
      });
      if (chart.data[0].length > KEEP) for (const series of chart.data) series.shift();
      chart.plot.setData(chart.data as uPlot.AlignedData);
    }
    const oldest = this.charts[0]?.data[0][0] ?? 0;
    for (const [id, w] of this.windows)
      if (w.end !== undefined && w.end < oldest) this.windows.delete(id);
  }

  private shade(u: uPlot): void {
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = 'rgba(210, 40, 40, 0.12)';
    const max = u.scales.x.max ?? 0;
    for (const w of this.windows.values()) {
      const left = u.valToPos(w.start, 'x', true);
      const right = u.valToPos(w.end ?? max, 'x', true);
      const x0 = Math.max(left, u.bbox.left);
      const x1 = Math.min(right, u.bbox.left + u.bbox.width);
      if (x1 > x0) ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
    }
    ctx.restore();
  }
}
