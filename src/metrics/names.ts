/**
 * Names for the metrics replicas emit as `metric` events (core/events): a mode's name becomes
 * `geolab_<name>` after a few mechanical repairs, or is refused with a reason. The rules are
 * Prometheus' data model (https://prometheus.io/docs/concepts/data_model/) and the lints of
 * `promtool check metrics` (client_golang's promlint), so that what a mode emits never makes
 * `/metrics` fail either.
 */

/** Prometheus' metric name syntax, without the colons that recording rules own. */
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Prometheus' label name syntax; names starting with `__` are reserved. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type NameResult =
  | { readonly ok: true; readonly name: string; readonly scale: number }
  | { readonly ok: false; readonly reason: string };

/**
 * The exported name of a mode's metric: `geolab_` + the name with `-`, `.` and spaces made
 * `_` and capitals lowered (snake_case, as promlint asks), a counter ending in `_total`, and a
 * `_ms` unit turned into `_seconds` (`scale` converts the value: Prometheus wants base units).
 * Refused: an empty name, any other character, a gauge ending in `_total`, a histogram's
 * reserved suffix, or a name that already starts with `geolab_`.
 */
export function exportedMetricName(name: string, type: 'counter' | 'gauge'): NameResult {
  let s = name
    .trim()
    .replace(/[-. ]+/g, '_')
    .toLowerCase();
  if (s === '') return { ok: false, reason: 'the name is empty' };
  if (!METRIC_NAME.test(s))
    return {
      ok: false,
      reason: `${JSON.stringify(name)} is not a Prometheus name (letters, digits and _ only)`,
    };
  if (s.startsWith('geolab_'))
    return { ok: false, reason: `${JSON.stringify(name)} must not carry the geolab_ prefix` };
  if (/_(bucket|sum|count)$/.test(s) || /_(bucket|sum|count)_total$/.test(s))
    return { ok: false, reason: `${JSON.stringify(name)} ends like a histogram's series` };
  let scale = 1;
  const ms = /_ms(_total)?$/.exec(s);
  if (ms) {
    s = `${s.slice(0, ms.index)}_seconds${ms[1] ?? ''}`;
    scale = 1 / 1000;
  }
  if (type === 'counter' && !s.endsWith('_total')) s = `${s}_total`;
  if (type === 'gauge' && s.endsWith('_total'))
    return { ok: false, reason: `gauge ${JSON.stringify(name)} must not end in _total` };
  return { ok: true, name: `geolab_${s}`, scale };
}

/** A label name as exported (same repairs as metric names), or undefined when it cannot be one. */
export function exportedLabelName(name: string): string | undefined {
  const s = name
    .trim()
    .replace(/[-. ]+/g, '_')
    .toLowerCase();
  return LABEL_NAME.test(s) && !s.startsWith('__') ? s : undefined;
}
