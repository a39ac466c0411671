import Ajv from 'ajv';
import { parseDuration } from '../topology/duration';
import { sortIssues, type TopologyIssue } from '../topology/issue';
import type { FieldPath } from '../topology/position';
import { checkAgainst, formatField, show } from '../topology/schema';
import { closest, oneOf } from '../topology/suggest';
import type { Topology } from '../topology/types';
import { parseYamlDocument, readSmallFile } from '../topology/yaml-document';
import schemaJson from './scenario.schema.json';
import {
  NEMESIS_FAULTS,
  type DelayDistribution,
  type FaultAction,
  type GroupRef,
  type LinkRef,
  type NemesisFault,
  type NemesisSpec,
  type PartitionMode,
  type Scenario,
  type ScenarioStep,
} from './types';

/** The scenario JSON Schema, also referenced by the files' `$schema` lines. */
export const scenarioSchema: object = schemaJson;

const validate = new Ajv({
  allErrors: true,
  allowUnionTypes: true,
  verbose: true,
  strict: true,
}).compile(scenarioSchema);

export const MAX_SCENARIO_BYTES = 1024 * 1024;

export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly issues: TopologyIssue[] };

const ACTIONS = [
  'partition',
  'heal',
  'latency',
  'bandwidth',
  'loss',
  'kill',
  'restart',
  'pause',
  'resume',
  'clock',
  'repeat',
] as const;

/** Read, parse, schema-check and resolve a scenario file against a topology. Never throws. */
export function loadScenarioFile(file: string, topology?: Topology): ScenarioResult {
  const read = readSmallFile(file, MAX_SCENARIO_BYTES, 'scenario');
  return read.ok ? parseScenario(read.text, file, topology) : read;
}

/**
 * Parse scenario text; `file` names it in messages. With a topology, every region and node
 * the scenario names must exist in it (a typo gets "did you mean").
 */
export function parseScenario(text: string, file: string, topology?: Topology): ScenarioResult {
  const parsed = parseYamlDocument(text, file, {
    empty: 'the file is empty (a scenario needs a name and steps or a nemesis)',
    one: 'one scenario per file',
  });
  if (!parsed.ok) return parsed;
  const issues: TopologyIssue[] = [];
  const report = (path: FieldPath, message: string, where: 'value' | 'key' = 'value') =>
    issues.push({ file, ...parsed.locate(path, where), message });
  const problems = checkAgainst(validate, parsed.data, 'the scenario');
  for (const p of problems) report(p.path, p.message, p.at);
  if (problems.length > 0) return { ok: false, issues: sortIssues(issues) };

  const raw = parsed.data as RawScenario;
  const resolver = new Resolver(report, (path) => parsed.locate(path).line, topology);
  const steps = resolver.steps(raw.steps ?? [], ['steps'], 0);
  resolver.checkHeals(steps);
  const nemesis = raw.nemesis === undefined ? undefined : resolver.nemesis(raw.nemesis);
  if ((raw.steps ?? []).length === 0 && raw.nemesis === undefined) {
    report([], 'the scenario has no steps and no nemesis (add steps: [...] or nemesis: {...})');
  }
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  return {
    ok: true,
    scenario: {
      name: raw.name,
      ...(raw.description === undefined ? {} : { description: raw.description }),
      file,
      steps: [...steps].sort((a, b) => a.atMs - b.atMs),
      ...(nemesis === undefined ? {} : { nemesis }),
    },
  };
}

// ---- the raw shape the schema admits ------------------------------------------------------

type RawGroup = string | string[];
interface RawLink {
  between?: [RawGroup, RawGroup];
  from?: RawGroup;
  to?: RawGroup;
}
interface RawStep {
  name?: string;
  at?: string;
  for?: string;
  partition?: {
    isolate?: RawGroup;
    between?: [RawGroup, RawGroup];
    mode?: PartitionMode;
    oneWay?: boolean;
  };
  heal?: string;
  latency?: RawLink & { add: string; jitter?: string; distribution?: DelayDistribution };
  bandwidth?: RawLink & { rate: string };
  loss?: RawLink & { rate: number };
  kill?: RawGroup;
  restart?: RawGroup;
  pause?: RawGroup;
  resume?: RawGroup;
  clock?: {
    node: RawGroup;
    skew?: string;
    drift?: number;
    strobe?: { delta: string; period: string };
  };
  repeat?: { every: string; times: number; steps: RawStep[] };
}
interface RawScenario {
  name: string;
  description?: string;
  steps?: RawStep[];
  nemesis?: {
    seed?: number;
    from: string;
    until: string;
    faults?: NemesisFault[];
    faultFor?: [string, string];
    gap?: [string, string];
  };
}

type Report = (path: FieldPath, message: string, where?: 'value' | 'key') => void;

/** The semantic pass: what the schema cannot say, located by field path. */
class Resolver {
  private readonly names: string[];
  /** Where each resolved step is written, for messages about it. */
  private readonly paths = new Map<ScenarioStep, FieldPath>();

  constructor(
    private readonly report: Report,
    private readonly lineOf: (path: FieldPath) => number,
    topology: Topology | undefined,
  ) {
    this.names = topology
      ? [...topology.regions.map((r) => r.name), ...topology.nodes.map((n) => n.id)]
      : [];
    this.hasTopology = topology !== undefined;
  }

  private readonly hasTopology: boolean;

  steps(raw: readonly RawStep[], path: FieldPath, offsetMs: number): ScenarioStep[] {
    const out: ScenarioStep[] = [];
    raw.forEach((step, i) => out.push(...this.step(step, [...path, i], offsetMs)));
    return out;
  }

  private step(raw: RawStep, path: FieldPath, offsetMs: number): ScenarioStep[] {
    const present = ACTIONS.filter((a) => raw[a] !== undefined);
    if (present.length === 0) {
      this.report(
        path,
        `${formatField(path, 'the scenario')} does nothing (give it one of: ${oneOf([...ACTIONS])})`,
      );
      return [];
    }
    if (present.length > 1) {
      this.report(
        [...path, present[1]],
        `one fault per step: this step has ${present.join(' and ')} (split it into ${present.length} steps with the same "at")`,
        'key',
      );
      return [];
    }
    const kind = present[0];
    const nested = offsetMs > 0 || path.length > 2;
    if (raw.at === undefined && !nested) {
      this.report(
        path,
        `${formatField(path, 'the scenario')} is missing "at" (when it starts, from the start of the run: 10s)`,
      );
      return [];
    }
    const at =
      raw.at === undefined ? 0 : this.duration([...path, 'at'], raw.at, { negative: false });
    const forMs =
      raw.for === undefined ? undefined : this.duration([...path, 'for'], raw.for, { zero: false });
    if (at === undefined || (raw.for !== undefined && forMs === undefined)) return [];
    const atMs = offsetMs + at;
    const line = this.lineOf(path);
    if (kind === 'repeat') return this.repeat(raw, path, atMs);
    if (forMs !== undefined && (kind === 'heal' || kind === 'restart' || kind === 'resume')) {
      this.report(
        [...path, 'for'],
        `"for" undoes a fault; ${kind} is already an undo (remove "for")`,
        'key',
      );
      return [];
    }
    const action = this.action(kind, raw, path);
    if (action === undefined) return [];
    if (action.kind === 'clock' && action.strobe !== undefined && forMs === undefined) {
      this.report(
        [...path, 'clock', 'strobe'],
        'a strobe needs "for" on its step (how long the clock flips)',
      );
      return [];
    }
    const name = raw.name ?? `${kind}@${line}`;
    const step: ScenarioStep = {
      name,
      atMs,
      ...(forMs === undefined ? {} : { forMs }),
      action,
      line,
    };
    this.paths.set(step, path);
    return [step];
  }

  private repeat(raw: RawStep, path: FieldPath, atMs: number): ScenarioStep[] {
    const r = raw.repeat;
    if (r === undefined) return [];
    const every = this.duration([...path, 'repeat', 'every'], r.every, { zero: false });
    if (every === undefined) return [];
    const out: ScenarioStep[] = [];
    for (let round = 0; round < r.times; round++) {
      const steps = this.steps(r.steps, [...path, 'repeat', 'steps'], atMs + round * every);
      // Names get the round number, so `heal: NAME` inside a round refers to its own round.
      for (const s of steps) {
        const renamed = { ...s, name: `${s.name}#${round + 1}` };
        this.paths.set(renamed, this.paths.get(s) ?? path);
        out.push(renamed);
      }
      if (steps.length === 0) break;
    }
    return out;
  }

  private action(
    kind: Exclude<(typeof ACTIONS)[number], 'repeat'>,
    raw: RawStep,
    path: FieldPath,
  ): FaultAction | undefined {
    const at = (...p: (string | number)[]) => [...path, kind, ...p];
    switch (kind) {
      case 'partition': {
        const p = raw.partition ?? {};
        if ((p.isolate === undefined) === (p.between === undefined)) {
          this.report(
            at(),
            'a partition needs exactly one of "isolate: GROUP" (it against the rest) or "between: [GROUP, GROUP]"',
          );
          return undefined;
        }
        const a = this.group(
          p.isolate ?? p.between?.[0] ?? [],
          p.isolate !== undefined ? at('isolate') : at('between', 0),
        );
        const b = p.between === undefined ? undefined : this.group(p.between[1], at('between', 1));
        if (a === undefined || (p.between !== undefined && b === undefined)) return undefined;
        return {
          kind,
          a,
          ...(b === undefined ? {} : { b }),
          mode: p.mode ?? 'blackhole',
          oneWay: p.oneWay ?? false,
        };
      }
      case 'heal':
        return raw.heal === 'all' ? { kind } : { kind, step: raw.heal };
      case 'latency': {
        const l = raw.latency;
        const link = l && this.link(l, at());
        const add = l && this.duration(at('add'), l.add, { negative: false });
        const jitter =
          l?.jitter === undefined ? 0 : this.duration(at('jitter'), l.jitter, { negative: false });
        if (!l || !link || add === undefined || jitter === undefined) return undefined;
        return {
          kind,
          link,
          addMs: add,
          jitterMs: jitter,
          distribution: l.distribution ?? (jitter > 0 ? 'normal' : 'constant'),
        };
      }
      case 'bandwidth': {
        const b = raw.bandwidth;
        const link = b && this.link(b, at());
        if (!b || !link) return undefined;
        const m = /^([0-9.]+)(B|KB|MB)\/s$/.exec(b.rate);
        const rateKBps = m
          ? (Number(m[1]) * { B: 1, KB: 1000, MB: 1_000_000 }[m[2] as 'B' | 'KB' | 'MB']) / 1000
          : 0;
        if (!(rateKBps > 0)) {
          this.report(at('rate'), `bandwidth.rate must be more than 0 (got ${show(b.rate)})`);
          return undefined;
        }
        return { kind, link, rateKBps };
      }
      case 'loss': {
        const l = raw.loss;
        const link = l && this.link(l, at());
        if (!l || !link) return undefined;
        return { kind, link, rate: l.rate };
      }
      case 'kill':
      case 'restart':
      case 'pause':
      case 'resume': {
        const target = this.group(raw[kind] ?? [], at());
        return target && { kind, target };
      }
      case 'clock': {
        const c = raw.clock;
        if (!c) return undefined;
        const given = (['skew', 'drift', 'strobe'] as const).filter((k) => c[k] !== undefined);
        if (given.length !== 1) {
          this.report(
            at(),
            `a clock fault needs exactly one of skew, drift or strobe (got ${given.length === 0 ? 'none' : given.join(' and ')})`,
          );
          return undefined;
        }
        const target = this.group(c.node, at('node'));
        if (!target) return undefined;
        if (c.skew !== undefined) {
          const skewMs = this.duration(at('skew'), c.skew, {});
          return skewMs === undefined ? undefined : { kind, target, skewMs };
        }
        if (c.drift !== undefined) return { kind, target, drift: c.drift };
        const delta = this.duration(at('strobe', 'delta'), c.strobe?.delta ?? '', { zero: false });
        const period = this.duration(at('strobe', 'period'), c.strobe?.period ?? '', {
          zero: false,
        });
        if (delta === undefined || period === undefined) return undefined;
        return { kind, target, strobe: { deltaMs: delta, periodMs: period } };
      }
    }
  }

  private link(raw: RawLink, path: FieldPath): LinkRef | undefined {
    const hasFromTo = raw.from !== undefined || raw.to !== undefined;
    if (
      (raw.between === undefined) === !hasFromTo ||
      (hasFromTo && (raw.from === undefined || raw.to === undefined))
    ) {
      this.report(
        path,
        'a link is "between: [GROUP, GROUP]" (both ways) or "from: GROUP, to: GROUP" (one way)',
      );
      return undefined;
    }
    const from = this.group(
      raw.between?.[0] ?? raw.from ?? [],
      raw.between ? [...path, 'between', 0] : [...path, 'from'],
    );
    const to = this.group(
      raw.between?.[1] ?? raw.to ?? [],
      raw.between ? [...path, 'between', 1] : [...path, 'to'],
    );
    return from && to && { from, to, bothWays: raw.between !== undefined };
  }

  private group(raw: RawGroup, path: FieldPath): GroupRef | undefined {
    const names = Array.isArray(raw) ? raw : [raw];
    if (names.length === 1 && (names[0] === 'leader' || names[0] === 'leader-region')) {
      return { leader: names[0] === 'leader' ? 'node' : 'region' };
    }
    let ok = true;
    names.forEach((name, i) => {
      if (!this.hasTopology || this.names.includes(name)) return;
      if (name === 'leader' || name === 'leader-region') {
        this.report(
          Array.isArray(raw) ? [...path, i] : path,
          `${name} stands alone (write ${name}, not a list with it)`,
        );
      } else {
        const guess = closest(name, [...this.names, 'leader', 'leader-region']);
        this.report(
          Array.isArray(raw) ? [...path, i] : path,
          `unknown region or node ${show(name)} (${guess ? `did you mean "${guess}"?` : `one of: ${oneOf([...this.names, 'leader', 'leader-region'])}`})`,
        );
      }
      ok = false;
    });
    return ok ? { names } : undefined;
  }

  private duration(
    path: FieldPath,
    text: string,
    rule: { zero?: boolean; negative?: boolean },
  ): number | undefined {
    const ms = parseDuration(text);
    if (ms === undefined) {
      this.report(
        path,
        `${formatField(path, 'the scenario')} is not a duration: ${show(text)} (150ms, 2s, 1.5m)`,
      );
      return undefined;
    }
    if (ms < 0 && rule.negative === false) {
      this.report(path, `${formatField(path, 'the scenario')} must not be negative (got ${text})`);
      return undefined;
    }
    if (ms <= 0 && rule.zero === false) {
      this.report(path, `${formatField(path, 'the scenario')} must be longer than 0 (got ${text})`);
      return undefined;
    }
    return ms;
  }

  /** `heal: NAME` must name a step that starts no later than the heal. */
  checkHeals(steps: readonly ScenarioStep[]): void {
    const seen = new Map<string, number>();
    const at = (s: ScenarioStep, field: string) => [...(this.paths.get(s) ?? ['steps']), field];
    for (const s of steps) {
      if (seen.has(s.name) && !s.name.includes('@')) {
        this.report(
          at(s, 'name'),
          `two steps are named "${s.name}" (lines ${seen.get(s.name)} and ${s.line}; names must be unique)`,
        );
      }
      seen.set(s.name, s.line);
    }
    for (const s of steps) {
      if (s.action.kind !== 'heal' || s.action.step === undefined) continue;
      const target = s.action.step;
      const named = steps.find(
        (o) => o.name === target || o.name === `${target}#${s.name.split('#')[1] ?? ''}`,
      );
      if (!named) {
        const guess = closest(
          target,
          [...seen.keys()].filter((n) => !n.includes('@')),
        );
        this.report(
          at(s, 'heal'),
          `heal: ${target} names no step (${guess ? `did you mean "${guess}"?` : '"all", or the name of an earlier step'})`,
        );
      } else if (named.atMs > s.atMs) {
        this.report(
          at(s, 'heal'),
          `heal: ${target} runs before that step starts (line ${named.line})`,
        );
      }
    }
  }

  nemesis(raw: NonNullable<RawScenario['nemesis']>): NemesisSpec | undefined {
    const from = this.duration(['nemesis', 'from'], raw.from, { negative: false });
    const until = this.duration(['nemesis', 'until'], raw.until, { negative: false });
    const pair = (
      name: 'faultFor' | 'gap',
      fallback: [number, number],
    ): [number, number] | undefined => {
      const r = raw[name];
      if (r === undefined) return fallback;
      const lo = this.duration(['nemesis', name, 0], r[0], { zero: false });
      const hi = this.duration(['nemesis', name, 1], r[1], { zero: false });
      if (lo === undefined || hi === undefined) return undefined;
      if (hi < lo) {
        this.report(
          ['nemesis', name],
          `nemesis.${name} is [shortest, longest]; ${r[1]} is shorter than ${r[0]}`,
        );
        return undefined;
      }
      return [lo, hi];
    };
    const faultMs = pair('faultFor', [1000, 4000]);
    const gapMs = pair('gap', [300, 1500]);
    if (from === undefined || until === undefined || !faultMs || !gapMs) return undefined;
    if (until <= from) {
      this.report(
        ['nemesis', 'until'],
        `nemesis.until (${raw.until}) must come after nemesis.from (${raw.from})`,
      );
      return undefined;
    }
    return {
      seed: raw.seed ?? 1,
      fromMs: from,
      untilMs: until,
      faults: raw.faults ?? NEMESIS_FAULTS,
      faultMs,
      gapMs,
    };
  }
}
