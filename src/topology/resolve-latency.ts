import { PRESETS, presetRttMs } from './presets';
import type { RawLatency, RawLink } from './raw';
import { durationAt, type Reporter } from './reporter';
import { checkRegion } from './resolve-nodes';
import {
  linkKey,
  type DistributionName,
  type LatencyModel,
  type OneWayLink,
  type Region,
} from './types';

/** Toxiproxy's latency toxic draws jitter uniformly, so that is the default shape. */
export const DEFAULT_DISTRIBUTION: DistributionName = 'uniform';

interface PairSetting {
  rttMs: number;
  jitterMs?: number;
  distribution?: DistributionName;
  /** Where it was set, for duplicate reports. */
  path: (string | number)[];
}

interface OneWaySetting {
  delayMs: number;
  jitterMs?: number;
  distribution?: DistributionName;
  path: (string | number)[];
}

/**
 * The complete one-way latency matrix, intra-region links included. Each unordered pair
 * takes its RTT from, in order: a `between`/`within` link, the preset, `defaultRtt` /
 * `intraRegionRtt`; the RTT splits evenly into the two directions, and a `from`/`to`
 * link then overrides one direction's delay (asymmetry).
 */
export function resolveLatency(
  raw: RawLatency | undefined,
  regions: readonly Region[],
  report: Reporter,
): LatencyModel {
  const latency = raw ?? {};
  const base = ['latency'];
  const preset = latency.preset === undefined ? undefined : PRESETS.get(latency.preset);
  const defaultRtt = durationAt(report, [...base, 'defaultRtt'], latency.defaultRtt, {
    noun: 'latency',
  });
  const intraRtt = durationAt(report, [...base, 'intraRegionRtt'], latency.intraRegionRtt, {
    noun: 'latency',
  });
  const defaultJitter =
    durationAt(report, [...base, 'jitter'], latency.jitter, { noun: 'jitter' }) ?? 0;
  const defaultShape =
    (latency.distribution as DistributionName | undefined) ?? DEFAULT_DISTRIBUTION;

  const pairs = new Map<string, PairSetting>();
  const oneWay = new Map<string, OneWaySetting>();
  (latency.links ?? []).forEach((link, i) =>
    readLink(link, [...base, 'links', i], regions, report, pairs, oneWay),
  );

  const links = new Map<string, OneWayLink>();
  regions.forEach((a, i) => {
    for (const b of regions.slice(i)) {
      const written = pairs.get(pairKey(a.name, b.name));
      const fromPreset = preset ? presetRttMs(preset, a.name, b.name) : undefined;
      const fallback = a === b ? intraRtt : defaultRtt;
      const rtt = written?.rttMs ?? fromPreset ?? fallback;
      if (rtt === undefined) {
        report.error(
          ['regions', regions.indexOf(b), 'name'],
          missingLatency(a.name, b.name, latency.preset),
        );
        continue;
      }
      for (const [from, to] of a === b
        ? [[a, a]]
        : [
            [a, b],
            [b, a],
          ]) {
        const override = oneWay.get(linkKey(from.name, to.name));
        links.set(linkKey(from.name, to.name), {
          from: from.name,
          to: to.name,
          delayMs: override?.delayMs ?? rtt / 2,
          jitterMs: override?.jitterMs ?? written?.jitterMs ?? defaultJitter,
          distribution: override?.distribution ?? written?.distribution ?? defaultShape,
        });
      }
    }
  });
  return { preset: latency.preset, links };
}

function readLink(
  link: RawLink,
  path: (string | number)[],
  regions: readonly Region[],
  report: Reporter,
  pairs: Map<string, PairSetting>,
  oneWay: Map<string, OneWaySetting>,
): void {
  const forms = [
    link.between !== undefined,
    link.within !== undefined,
    link.from !== undefined || link.to !== undefined,
  ];
  if (forms.filter(Boolean).length !== 1) {
    report.error(
      path,
      'a latency link needs exactly one of "between: [a, b]", "within: region" or "from"/"to" (between and within take rtt; from/to take delay)',
    );
    return;
  }
  const jitterMs = durationAt(report, [...path, 'jitter'], link.jitter, { noun: 'jitter' });
  const distribution = link.distribution as DistributionName | undefined;

  if (link.from !== undefined || link.to !== undefined) {
    if (link.from === undefined || link.to === undefined) {
      report.error(path, `a one-way link needs both "from" and "to" (from: a, to: b, delay: 40ms)`);
      return;
    }
    if (link.rtt !== undefined) {
      report.error(
        [...path, 'rtt'],
        'a one-way link (from/to) takes "delay", not "rtt" (delay: 40ms)',
        'key',
      );
      return;
    }
    const okFrom = checkRegion(report, [...path, 'from'], link.from, regions);
    const okTo = checkRegion(report, [...path, 'to'], link.to, regions);
    if (link.delay === undefined) {
      report.error(path, `one-way link ${link.from} → ${link.to} has no delay (delay: 40ms)`);
      return;
    }
    const delayMs = durationAt(report, [...path, 'delay'], link.delay, { noun: 'latency' });
    if (!okFrom || !okTo || delayMs === undefined) return;
    const key = linkKey(link.from, link.to);
    const earlier = oneWay.get(key);
    if (earlier) {
      report.error(
        path,
        `duplicate latency for ${link.from} → ${link.to} (first set at line ${report.lineOf(earlier.path)})`,
      );
      return;
    }
    oneWay.set(key, { delayMs, jitterMs, distribution, path });
    return;
  }

  if (link.delay !== undefined) {
    report.error(
      [...path, 'delay'],
      'a two-way link takes "rtt", not "delay" (rtt: 80ms; use from/to for one direction)',
      'key',
    );
    return;
  }
  const [a, b] = link.between ?? [link.within ?? '', link.within ?? ''];
  const okA = checkRegion(
    report,
    link.between ? [...path, 'between', 0] : [...path, 'within'],
    a,
    regions,
  );
  const okB = link.between ? checkRegion(report, [...path, 'between', 1], b, regions) : okA;
  if (link.between && a === b && okA) {
    report.error(
      [...path, 'between'],
      `a link between "${a}" and itself (for the RTT inside a region write within: ${a})`,
    );
    return;
  }
  if (link.rtt === undefined) {
    const what = link.between ? `${a} ↔ ${b}` : `inside ${a}`;
    report.error(path, `latency link ${what} has no rtt (rtt: 80ms)`);
    return;
  }
  const rttMs = durationAt(report, [...path, 'rtt'], link.rtt, { noun: 'latency' });
  if (!okA || !okB || rttMs === undefined) return;
  const key = pairKey(a, b);
  const earlier = pairs.get(key);
  if (earlier) {
    const what = a === b ? `inside ${a}` : `between ${a} and ${b}`;
    report.error(
      path,
      `duplicate latency ${what} (first set at line ${report.lineOf(earlier.path)})`,
    );
    return;
  }
  pairs.set(key, { rttMs, jitterMs, distribution, path });
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function missingLatency(a: string, b: string, preset: string | undefined): string {
  const from = preset ? ` and preset ${preset} has no figure for it` : '';
  if (a === b) {
    return `no latency inside region "${a}"${from} (add latency.links: - within: ${a}, rtt: 2ms, or set latency.intraRegionRtt)`;
  }
  return `no latency between "${a}" and "${b}"${from} (add latency.links: - between: [${a}, ${b}], rtt: 80ms, or set latency.defaultRtt)`;
}
