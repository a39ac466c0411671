import type { RunResults } from '../../src/experiment/results';
import { renderReportHtml } from '../../src/report/html';
import { shortRun } from './short-run';

const EVIL = '</script><b>bold</b><!--';

/** The run's results with hostile text wherever the run can put text of its own. */
function hostile(results: RunResults): RunResults {
  const region = results.regions[0].region;
  const rename = (name: string): string => (name === region ? EVIL : name);
  return {
    ...results,
    name: EVIL,
    scenario: { name: EVIL, file: EVIL },
    regions: results.regions.map((r) => ({ ...r, region: rename(r.region) })),
    timeline: {
      ...results.timeline,
      series: results.timeline.series.map((s) => ({ ...s, region: rename(s.region) })),
    },
    faults: results.faults.map((f) => ({ ...f, name: EVIL, detail: EVIL })),
    checkers: { ...results.checkers, witnesses: [{ checker: EVIL, text: `key ${EVIL}` }] },
    conflicts: {
      total: 1,
      byRegion: { [EVIL]: 1 },
      sample: [{ at: 1, node: EVIL, key: EVIL, resolver: 'lww', siblings: 2, detail: EVIL }],
    },
    messages: {
      ...results.messages,
      sample: {
        ...results.messages.sample,
        list: [{ from: EVIL, to: EVIL, type: EVIL, sentAt: 3000, arrivesAt: undefined }],
      },
    },
    warnings: [EVIL],
  };
}

describe('renderReportHtml', () => {
  const results = shortRun();

  it('inlines everything: no URL the page could load', () => {
    const html = renderReportHtml(results);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<link rel="icon" href="data:,">');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*rel="stylesheet"/i);
    expect(html).toContain('uPlot');
  });

  it('keeps text from the run inert: escaped in HTML, intact in the inlined JSON', () => {
    const evil = hostile(results);
    const html = renderReportHtml(evil);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toContain('<!--');
    expect(html).toContain('&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;');
    // Three script elements (data, uPlot, page), each closed once.
    expect(html.match(/<script[\s>]/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    const json = /<script type="application\/json" id="results">([\s\S]*?)<\/script>/.exec(html);
    expect(JSON.parse(json?.[1] ?? 'null')).toEqual(JSON.parse(JSON.stringify(evil)));
  });
});
