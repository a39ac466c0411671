import { TOXIC_KINDS } from '../toxics/registry';
import type { Attributes, ToxicKind } from '../toxics/toxic';
import {
  ERR_BAD_REQUEST_BODY,
  ERR_INVALID_STREAM,
  ERR_INVALID_TOXIC_TYPE,
  ERR_TOXIC_ALREADY_EXISTS,
} from './api-error';
import type { JsonObject } from './decode';
import {
  asObject,
  optionalFloat32,
  optionalInteger,
  optionalObject,
  optionalString,
} from './decode';
import type { Direction, ToxicConfig } from './toxic-config';

const WRAPPER = 'ToxicWrapper';

/** Upstream's `stream.ParseDirection`: case-insensitive. */
function parseDirection(stream: string): Direction {
  const lower = stream.toLowerCase();
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw ERR_INVALID_STREAM;
}

/** Names travel in URL paths (`/proxies/{proxy}/toxics/{toxic}`), where '/' cannot be matched. */
export function checkName(name: string): void {
  if (name.includes('/')) {
    throw ERR_BAD_REQUEST_BODY.with(`name ${JSON.stringify(name)} must not contain '/'`);
  }
}

/** Every attribute of `kind`: those in `given` (validated as Go integers), the rest from `base`. */
function decodeAttributes(
  kind: ToxicKind,
  given: JsonObject | undefined,
  base: Readonly<Attributes>,
): Attributes {
  const attributes: Attributes = {};
  for (const key of Object.keys(kind.defaults)) {
    const value =
      given === undefined
        ? undefined
        : optionalInteger(
            given,
            key,
            { struct: kind.go.struct, path: `attributes.${key}` },
            kind.go.int,
          );
    attributes[key] = value ?? base[key] ?? 0;
  }
  return attributes;
}

/**
 * A new toxic from a `POST /proxies/{proxy}/toxics` body, checked in upstream's order
 * (toxic_collection.go `AddToxicJson`): body types, stream, default name `<type>_<stream>`,
 * type, duplicate name (across both streams), attributes.
 */
export function decodeNewToxic(body: unknown, exists: (name: string) => boolean): ToxicConfig {
  const obj = asObject(body, `toxics.${WRAPPER}`);
  const at = (path: string) => ({ struct: WRAPPER, path });
  let name = optionalString(obj, 'name', at('name')) ?? '';
  const type = optionalString(obj, 'type', at('type')) ?? '';
  const stream = optionalString(obj, 'stream', at('stream')) ?? 'downstream';
  const toxicity = optionalFloat32(obj, 'toxicity', at('toxicity')) ?? 1;
  const given = optionalObject(obj, 'attributes', at('attributes'), 'toxics.NoopToxic');
  const direction = parseDirection(stream);
  if (name === '') name = `${type}_${stream}`;
  const kind = TOXIC_KINDS.get(type);
  if (kind === undefined) throw ERR_INVALID_TOXIC_TYPE;
  checkName(name);
  if (exists(name)) throw ERR_TOXIC_ALREADY_EXISTS;
  const attributes = decodeAttributes(kind, given, kind.defaults);
  return { name, kind, stream, direction, toxicity, attributes };
}

/**
 * An updated toxic from a `POST|PATCH …/toxics/{toxic}` body: `attributes` merge into the
 * current ones, `toxicity` is taken only if present; name, type and stream are ignored
 * (toxic_collection.go `UpdateToxicJson`).
 */
export function decodeToxicUpdate(body: unknown, current: ToxicConfig): ToxicConfig {
  const obj = asObject(body, `toxics.${WRAPPER}`);
  const given = optionalObject(
    obj,
    'attributes',
    { struct: WRAPPER, path: 'attributes' },
    `*toxics.${current.kind.go.struct}`,
  );
  const attributes = decodeAttributes(current.kind, given, current.attributes);
  const toxicity =
    optionalFloat32(obj, 'toxicity', { struct: WRAPPER, path: 'toxicity' }) ?? current.toxicity;
  return { ...current, attributes, toxicity };
}
