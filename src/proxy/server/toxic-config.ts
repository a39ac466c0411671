import type { Attributes, ToxicKind } from '../toxics/toxic';

/** Which way a toxic acts: `upstream` is client → server, `downstream` server → client. */
export type Direction = 'upstream' | 'downstream';

/** One toxic as configured on a proxy; immutable (an update makes a new one). */
export interface ToxicConfig {
  readonly name: string;
  readonly kind: ToxicKind;
  /** The `stream` string as the client sent it (matched case-insensitively, echoed as sent). */
  readonly stream: string;
  readonly direction: Direction;
  /** The chance, rolled once per connection (and again on update), that the toxic applies. */
  readonly toxicity: number;
  readonly attributes: Readonly<Attributes>;
}

/** The API's toxic object, keys in upstream's order: attributes, name, type, stream, toxicity. */
export interface ToxicJson {
  attributes: Attributes;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export function toxicJson(t: ToxicConfig): ToxicJson {
  return {
    attributes: { ...t.attributes },
    name: t.name,
    type: t.kind.type,
    stream: t.stream,
    toxicity: t.toxicity,
  };
}
