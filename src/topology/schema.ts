import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import schemaJson from './topology.schema.json';
import type { FieldPath } from './position';
import { closest, oneOf } from './suggest';
import { MODES, parseModeId } from './mode-id';

/** The topology JSON Schema (draft-07), also referenced by the examples' $schema lines. */
export const topologySchema: object = schemaJson;

const ajv = new Ajv({
  allErrors: true,
  discriminator: true,
  allowUnionTypes: true,
  // parentSchema on each error, to list the keys that would have been right.
  verbose: true,
  strict: true,
  // The discriminator's tag is required at the top of replication but defined in each branch.
  strictRequired: false,
});
const validate = ajv.compile(topologySchema);

/** A schema violation, located by field path and phrased for a person. */
export interface SchemaProblem {
  readonly path: FieldPath;
  /** Point at the key itself (unknown keys) rather than its value. */
  readonly at: 'value' | 'key';
  readonly message: string;
}

/** Check a parsed YAML value against the topology schema. */
export function checkSchema(data: unknown): SchemaProblem[] {
  return checkAgainst(validate, data, 'the topology');
}

/**
 * Check a parsed YAML value against a compiled schema (the topology's, a scenario's), each
 * violation phrased for a person; `whole` names the document in messages about its root.
 */
export function checkAgainst(
  check: ValidateFunction,
  data: unknown,
  whole: string,
): SchemaProblem[] {
  if (check(data)) return [];
  return (
    (check.errors ?? [])
      // A missing mode is reported by `required`; the discriminator would say it again.
      .filter((e) => !(isTagError(e) && !hasTag(e)))
      .map((e) => describe(e, data, whole))
  );
}

function isTagError(e: ErrorObject): boolean {
  return e.keyword === 'discriminator' && (e.params as { error?: string }).error === 'tag';
}

/** Whether the discriminated object has its tag at all (a tag of the wrong type is an error). */
function hasTag(e: ErrorObject): boolean {
  const tag = String((e.params as { tag?: unknown }).tag);
  return (
    typeof e.data === 'object' && e.data !== null && (e.data as object)[tag as never] !== undefined
  );
}

function describe(error: ErrorObject, data: unknown, whole: string): SchemaProblem {
  const path = pointerToPath(error.instancePath, data);
  const where = formatField(path, whole);
  const params = error.params as Record<string, unknown>;
  const isDuration = error.schemaPath.includes('/duration/');
  const value: unknown = error.data;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const guess = closest(key, allowed);
      const hint = guess ? `did you mean "${guess}"?` : `expected one of: ${allowed.join(', ')}`;
      return {
        path: [...path, key],
        at: 'key',
        message: `unknown key "${key}" in ${where} (${hint})`,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return {
        path,
        at: 'value',
        message: `${where} is missing "${key}"${requiredHint(path, key)}`,
      };
    }
    case 'discriminator': {
      if (params.error === 'tag' && hasTag(error)) {
        const tagPath = [...path, String(params.tag)];
        const tag = (value as Record<string, unknown>)[String(params.tag)];
        return {
          path: tagPath,
          at: 'value',
          message: `${formatField(tagPath)} is ${show(tag)}, not a name (one of: ${oneOf([...MODES])})`,
        };
      }
      if (params.error === 'tag') {
        return {
          path,
          at: 'value',
          message: `${where} is missing "mode" (one of: ${oneOf([...MODES])})`,
        };
      }
      const mode = String(params.tagValue);
      return { path: [...path, 'mode'], at: 'value', message: unknownModeMessage(mode) };
    }
    case 'type':
      if (isDuration) return { path, at: 'value', message: badDuration(where, value) };
      return {
        path,
        at: 'value',
        message: `${where} must be ${typeNames(params.type)} (got ${show(value)})`,
      };
    case 'pattern':
      if (isDuration) return { path, at: 'value', message: badDuration(where, value) };
      if (error.schemaPath.includes('toxiproxy')) {
        return {
          path,
          at: 'value',
          message: `${where} must be "embedded" or an http:// URL (got ${show(value)})`,
        };
      }
      return {
        path,
        at: 'value',
        message: `${where} is not a valid id: ${show(value)} (letters, digits, ".", "_" and "-", starting with a letter or digit)`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof value === 'string' ? closest(value, allowed) : undefined;
      const hint = guess ? `did you mean "${guess}"?` : `one of: ${oneOf(allowed)}`;
      return { path, at: 'value', message: `${where} cannot be ${show(value)} (${hint})` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const isPort = error.schemaPath.includes('/port/');
      const bound = `${comparisonWord(error.keyword)} ${String(params.limit)}`;
      return {
        path,
        at: 'value',
        message: isPort
          ? `${where} is not a port: ${show(value)} (0 to 65535; 0 picks a free one)`
          : `${where} must be ${bound} (got ${show(value)})`,
      };
    }
    case 'minItems':
    case 'maxItems':
      if (path[path.length - 1] === 'between') {
        return {
          path,
          at: 'value',
          message: `${where} must name exactly two regions (got ${show(value)})`,
        };
      }
      return {
        path,
        at: 'value',
        message: `${where} must have ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} item(s)`,
      };
    case 'minLength':
      return { path, at: 'value', message: `${where} must not be empty` };
    default:
      return { path, at: 'value', message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

/** The message for an unknown `replication.mode`, pointing at the short id if one was used. */
export function unknownModeMessage(mode: string): string {
  const asId = parseModeId(mode);
  if (asId.ok && asId.fields.mode !== mode) {
    const [option, optionValue] = Object.entries(asId.fields).find(([k]) => k !== 'mode') ?? [];
    const extra = option ? ` with ${option}: ${String(optionValue)}` : '';
    return `unknown replication mode "${mode}" (write mode: ${asId.fields.mode}${extra}; "${mode}" is the short id for --mode)`;
  }
  const guess = closest(mode, MODES);
  return `unknown replication mode ${show(mode)} (${guess ? `did you mean "${guess}"?` : `one of: ${oneOf([...MODES])}`})`;
}

function requiredHint(path: FieldPath, key: string): string {
  if (path.length === 0 && key === 'regions') return ' (a list of {name, replicas})';
  if (path.length === 0 && key === 'replication')
    return ` (replication: {mode: ${oneOf([...MODES])}})`;
  if (path[0] === 'regions' && key === 'replicas') return ' (a count, or a list of node ids)';
  if (path[0] === 'replication' && key === 'mode') return ` (one of: ${oneOf([...MODES])})`;
  return '';
}

function badDuration(where: string, value: unknown): string {
  const example = typeof value === 'number' ? `${value}ms` : '150ms, 2s, 1.5m, 500us';
  return `${where} is not a duration: ${show(value)} (a number with a unit: ${example})`;
}

function comparisonWord(keyword: string): string {
  switch (keyword) {
    case 'minimum':
      return '≥';
    case 'maximum':
      return '≤';
    case 'exclusiveMinimum':
      return '>';
    default:
      return '<';
  }
}

function typeNames(type: unknown): string {
  const names: Record<string, string> = {
    integer: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping of keys to values',
  };
  const list = (Array.isArray(type) ? type : [type]).map((t) => names[String(t)] ?? String(t));
  return list.join(' or ');
}

/** A value as it would appear in the YAML, kept short. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The field path for messages, or a name for the whole file. */
export function formatField(path: FieldPath, whole = 'the topology'): string {
  if (path.length === 0) return whole;
  let out = '';
  for (const step of path)
    out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out;
}

/** Turn ajv's JSON pointer into keys and indices, using the data to tell arrays from maps. */
function pointerToPath(pointer: string, data: unknown): FieldPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(step));
      node = node[Number(step)];
    } else {
      path.push(step);
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[step]
          : undefined;
    }
  }
  return path;
}
