/**
 * The part of EDN (https://github.com/edn-format/edn) that Jepsen histories use: nil, booleans,
 * integers, floats, strings, characters, keywords, symbols, vectors, lists, maps, sets and
 * tagged values. Vectors are plain arrays; the other compound values are classes so that a
 * list prints back as a list and a map may have any keys.
 */
export type Edn =
  | null
  | boolean
  | number
  | string
  | Keyword
  | EdnSymbol
  | EdnChar
  | Edn[]
  | EdnList
  | EdnMap
  | EdnSet
  | EdnTagged;

export class Keyword {
  /** `name` without the colon: `:invoke` is `new Keyword('invoke')`. */
  constructor(readonly name: string) {}
}

export class EdnSymbol {
  constructor(readonly name: string) {}
}

export class EdnChar {
  constructor(readonly char: string) {}
}

export class EdnList {
  constructor(readonly items: Edn[]) {}
}

export class EdnSet {
  constructor(readonly items: Edn[]) {}
}

export class EdnTagged {
  constructor(
    readonly tag: string,
    readonly value: Edn,
  ) {}
}

export class EdnMap {
  /** `line` is where the map opens in its source (1-based), for messages about it. */
  constructor(
    readonly entries: [Edn, Edn][],
    readonly line = 0,
  ) {}

  /** The value under keyword `:name`, or undefined when there is none. */
  get(name: string): Edn | undefined {
    for (const [k, v] of this.entries) if (k instanceof Keyword && k.name === name) return v;
    return undefined;
  }

  has(name: string): boolean {
    return this.entries.some(([k]) => k instanceof Keyword && k.name === name);
  }
}
