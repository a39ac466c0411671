import type { Rng } from '../../core/random';
import { latencyDelayMs } from '../../proxy/toxics/latency';

/**
 * One-way delay distributions for simulated links, in ms. Real inter-region links have
 * medians near their floor and long tails (shared/reference/latency.md), so besides
 * Toxiproxy's uniform jitter the simulator offers normal, exponential, Pareto and weighted
 * mixtures of them, all drawn from a seeded generator.
 */
export type Delay =
  | { readonly kind: 'constant'; readonly ms: number }
  /** Toxiproxy's latency toxic: uniform over the integers in [latency − jitter, latency + jitter). */
  | { readonly kind: 'toxiproxy'; readonly latency: number; readonly jitter: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly sd: number }
  /** Exponential with the given mean (1/λ), plus `offset`. */
  | { readonly kind: 'exponential'; readonly mean: number; readonly offset?: number }
  /** Pareto(xm, α): xm·U^(−1/α) (PBS's notation), plus `offset`. */
  | {
      readonly kind: 'pareto';
      readonly xm: number;
      readonly alpha: number;
      readonly offset?: number;
    }
  | {
      readonly kind: 'mixture';
      readonly parts: readonly { readonly weight: number; readonly delay: Delay }[];
    };

/** A delay drawn from `d`; never negative (a negative draw means "no delay", as Toxiproxy). */
export function sampleDelay(d: Delay, rng: Rng): number {
  return Math.max(0, draw(d, rng));
}

function draw(d: Delay, rng: Rng): number {
  switch (d.kind) {
    case 'constant':
      return d.ms;
    case 'toxiproxy':
      return latencyDelayMs({ latency: d.latency, jitter: d.jitter }, () => rng.next());
    case 'uniform':
      return d.min + rng.next() * (d.max - d.min);
    case 'normal': {
      // Box–Muller; 1 − U keeps the logarithm finite.
      const u = 1 - rng.next();
      const v = rng.next();
      return d.mean + d.sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    case 'exponential':
      return (d.offset ?? 0) - d.mean * Math.log(1 - rng.next());
    case 'pareto':
      return (d.offset ?? 0) + d.xm * Math.pow(1 - rng.next(), -1 / d.alpha);
    case 'mixture': {
      const total = d.parts.reduce((sum, p) => sum + p.weight, 0);
      let pick = rng.next() * total;
      for (const p of d.parts) {
        pick -= p.weight;
        if (pick < 0) return draw(p.delay, rng);
      }
      return draw(d.parts[d.parts.length - 1].delay, rng);
    }
  }
}

/** The Pareto tail's shape for topology links: heavy, with a finite variance. */
export const LINK_PARETO_ALPHA = 3;

/**
 * The delay of a topology link: mean `delayMs`, spread `jitterMs`, shaped by `distribution`.
 * - constant: delayMs; uniform: Toxiproxy's jitter, integer ms, as the live fabric applies it;
 * - normal: N(delayMs, jitterMs);
 * - exponential: a floor at delayMs − jitterMs plus an exponential tail of mean jitterMs;
 * - pareto: the same floor plus a Lomax tail of mean jitterMs (α = 3), so most messages
 *   arrive near the floor and a few very late, as on real WAN links.
 * Every shape keeps the mean at delayMs (before negative draws are clipped to 0).
 */
export function linkDelay(delayMs: number, jitterMs: number, distribution: string): Delay {
  if (jitterMs <= 0 || distribution === 'constant') return { kind: 'constant', ms: delayMs };
  switch (distribution) {
    case 'normal':
      return { kind: 'normal', mean: delayMs, sd: jitterMs };
    case 'exponential':
      return { kind: 'exponential', mean: jitterMs, offset: delayMs - jitterMs };
    case 'pareto': {
      // Lomax(λ, α) = Pareto(λ, α) − λ has mean λ/(α − 1): λ = jitter·(α − 1) gives mean jitter.
      const xm = jitterMs * (LINK_PARETO_ALPHA - 1);
      return { kind: 'pareto', xm, alpha: LINK_PARETO_ALPHA, offset: delayMs - jitterMs - xm };
    }
    default:
      return { kind: 'toxiproxy', latency: Math.round(delayMs), jitter: Math.round(jitterMs) };
  }
}
