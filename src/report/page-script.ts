/**
 * The report page's own script: plain browser JavaScript, run after uPlot is loaded, reading
 * the run's results from `<script id="results" type="application/json">`. One function per
 * chart; each returns how many data points it drew, collected in `window.geolabReport.charts`
 * for tests. A chart that throws shows its error on the page and in the console: nothing is
 * swallowed. Text from the run is only ever set as textContent (uPlot does the same for
 * series labels), never as HTML.
 *
 * Kept as a string (String.raw, so backslashes stay as written): it must not contain a
 * backtick or a dollar sign followed by a brace.
 */
export const PAGE_SCRIPT = String.raw`
'use strict';
(function () {
  const results = JSON.parse(document.getElementById('results').textContent);
  const report = { charts: {}, errors: [] };
  window.geolabReport = report;

  const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948',
    '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const regionNames = results.regions.map((r) => r.region);
  const colourOf = (region) => COLOURS[Math.max(0, regionNames.indexOf(region)) % COLOURS.length];
  const seconds = (ms) => ms / 1000;

  function chartWidth(el) {
    return Math.max(600, Math.min(1100, el.clientWidth || 900));
  }

  function countPoints(columns) {
    let n = 0;
    for (const ys of columns.slice(1)) for (const y of ys) if (y !== null && y !== undefined) n++;
    return n;
  }

  /** A uPlot plugin shading each fault window; toX turns run ms into the chart's x value. */
  function faultBands(toX) {
    const windows = results.faults.map((f) => ({
      label: f.name + ' (' + f.kind + ')',
      start: toX(f.startMs),
      end: f.endMs === null ? null : toX(f.endMs),
    }));
    function band(u, w) {
      const left = Math.max(u.bbox.left, u.valToPos(w.start, 'x', true));
      const xEnd = w.end === null ? u.scales.x.max : w.end;
      const right = Math.min(u.bbox.left + u.bbox.width, u.valToPos(xEnd, 'x', true));
      return right > left ? { left, width: right - left } : null;
    }
    return {
      hooks: {
        drawClear: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(225, 87, 89, 0.12)';
            for (const w of windows) {
              const b = band(u, w);
              if (b) ctx.fillRect(b.left, u.bbox.top, b.width, u.bbox.height);
            }
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = '#a33';
            ctx.font = 12 * devicePixelRatio + 'px sans-serif';
            ctx.textBaseline = 'top';
            for (const w of windows) {
              const b = band(u, w);
              if (b) ctx.fillText(w.label, b.left + 4, u.bbox.top + 4);
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function plot(el, opts, columns) {
    new uPlot(Object.assign({ width: chartWidth(el), height: 300 }, opts), columns, el);
    return countPoints(columns);
  }

  /** p50 (solid) and p99 (dashed) latency of each 1 s bucket, per region. */
  function latencyChart(el) {
    const tables = results.timeline.series.map((s) => [s.t, s.p50, s.p99]);
    const series = [{ label: 's' }];
    for (const s of results.timeline.series) {
      series.push({ label: s.region + ' p50', stroke: colourOf(s.region), spanGaps: false });
      series.push({ label: s.region + ' p99', stroke: colourOf(s.region), dash: [6, 4] });
    }
    return plot(el, {
      scales: { x: { time: false } },
      axes: [{ label: 's since start' }, { label: 'latency (ms)' }],
      series,
      plugins: [faultBands(seconds)],
    }, uPlot.join(tables));
  }

  /** Share of ops invoked in each 1 s bucket that were served, per region. */
  function availabilityChart(el) {
    const tables = results.timeline.series.map((s) => [s.t, s.availability]);
    const series = [{ label: 's' }].concat(results.timeline.series.map((s) => ({
      label: s.region, stroke: colourOf(s.region), width: 2,
    })));
    return plot(el, {
      scales: { x: { time: false }, y: { range: [0, 1.05] } },
      axes: [{ label: 's since start' }, { label: 'available (share served)' }],
      series,
      plugins: [faultBands(seconds)],
    }, uPlot.join(tables));
  }

  /** One CDF's points with each latency once (the largest fraction), as uPlot needs. */
  function cdfTable(points) {
    const byMs = new Map();
    for (const [ms, p] of points) byMs.set(ms, Math.max(p, byMs.get(ms) || 0));
    const xs = [...byMs.keys()].sort((a, b) => a - b);
    return [xs, xs.map((x) => byMs.get(x))];
  }

  /** Latency CDFs of successful ops: reads solid, writes dashed, per region. */
  function cdfChart(el) {
    const tables = [];
    const series = [{ label: 'ms' }];
    for (const r of results.regions) {
      for (const kind of ['read', 'write']) {
        if (r.cdf[kind].length === 0) continue;
        tables.push(cdfTable(r.cdf[kind]));
        series.push({
          label: r.region + ' ' + kind, stroke: colourOf(r.region), spanGaps: true,
          dash: kind === 'write' ? [6, 4] : undefined,
        });
      }
    }
    if (tables.length === 0) return noData(el, 'No successful operations.');
    return plot(el, {
      scales: { x: { time: false }, y: { range: [0, 1] } },
      axes: [{ label: 'latency (ms)' }, { label: 'fraction of ops ≤ latency' }],
      series,
    }, uPlot.join(tables));
  }

  /** PBS-style: P(a read returns the newest acknowledged write) against ms since that write. */
  function stalenessChart(el) {
    const points = results.staleness.pConsistent;
    const columns = [points.map((p) => p.ms), points.map((p) => p.p)];
    return plot(el, {
      // asinh: linear near 0 (so 0 ms fits), logarithmic beyond 10 ms.
      scales: { x: { time: false, distr: 4, asinh: 10 }, y: { range: [0, 1.05] } },
      axes: [{ label: 'ms since the newest acknowledged write' }, { label: 'P(consistent read)' }],
      series: [{ label: 'ms' }, {
        label: 'P(consistent)', stroke: '#4e79a7', width: 2, points: { show: true, size: 6 },
      }],
    }, columns);
  }

  /** Conflicts each region's replicas reported (concurrent writes they had to resolve). */
  function conflictsChart(el) {
    const counts = regionNames.map((r) => results.conflicts.byRegion[r] || 0);
    if (results.conflicts.total === 0) {
      note(el, 'No conflicts: no replica saw concurrent writes to resolve.');
    }
    const xs = regionNames.map((_, i) => i);
    plot(el, {
      scales: { x: { time: false, range: [-0.5, regionNames.length - 0.5] }, y: { range: [0, Math.max(1, ...counts) * 1.1] } },
      axes: [
        { label: 'region', splits: () => xs, values: (u, splits) => splits.map((i) => regionNames[i] || '') },
        { label: 'conflicts' },
      ],
      series: [{ label: 'region', value: (u, i) => (i === null ? '--' : regionNames[i]) }, {
        label: 'conflicts', fill: 'rgba(78, 121, 167, 0.6)', stroke: '#4e79a7',
        paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false },
      }],
    }, [xs, counts]);
    return counts.length;
  }

  /** The server-drawn SVG: the number of messages it shows. */
  function spaceTimeChart(el) {
    return el.querySelectorAll('.arrow').length;
  }

  function note(el, text) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    el.appendChild(p);
  }

  function noData(el, text) {
    note(el, text);
    return 0;
  }

  function draw(name, fn) {
    const el = document.getElementById('chart-' + name);
    try {
      report.charts[name] = fn(el);
    } catch (err) {
      report.errors.push(name + ': ' + String(err));
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = 'This chart failed to render: ' + String(err);
      el.appendChild(p);
      console.error('geolab report: the ' + name + ' chart failed', err);
    }
  }

  draw('latency', latencyChart);
  draw('cdf', cdfChart);
  draw('availability', availabilityChart);
  draw('staleness', stalenessChart);
  draw('conflicts', conflictsChart);
  draw('spaceTime', spaceTimeChart);
})();
`;
