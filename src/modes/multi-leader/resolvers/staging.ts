/**
 * Local updates a CRDT resolver has accepted but not yet written into its document.
 *
 * Why stage at all: an Automerge `change()` costs ≈ 0.2–3.6 ms whatever it holds, and a Yjs
 * transaction has a fixed cost too (../../../../docs/modes/multi-leader.md has the figures),
 * so one change per client op caps a region at a few hundred ops/s. Staged ops become one
 * change per document at the next seal (every batch interval, or before a remote update is
 * applied). Reads must still see them (a client reads its own write at once), so a read
 * overlays the staged effect on the document's value.
 *
 * The overlay is exact because nothing else touches a document between staging and sealing:
 * the replica seals before it applies any remote update. So an effect can be stated against
 * the document's current value: "add 3 to the counter there", "append these items", "apply
 * these edits", or "replace it with this value". Successive ops on one key fold into one
 * effect (two writes: the last; three increments: their sum), which is also fewer CRDT ops.
 */
import type { Json } from '../../../core/json';
import type { Key, TextEdit } from '../../../core/messages/client';
import { applyOp, clampEdit, editText, extendsValue, type UpdateOp, type Value } from './values';

export type StagedEffect =
  /** The key's value becomes a fresh object of this content (a write, or a change of kind). */
  | { readonly kind: 'replace'; readonly value: Value }
  /** The counter already in the document grows by `delta`. */
  | { readonly kind: 'increment'; readonly delta: number }
  /** These items go at the end of the list already in the document. */
  | { readonly kind: 'append'; readonly items: readonly Json[] }
  /** These edits, in order, apply to the text already in the document (clamped already). */
  | { readonly kind: 'edits'; readonly edits: readonly TextEdit[] };

export class Staging {
  private readonly byKey = new Map<Key, StagedEffect>();
  private count = 0;

  /** Ops staged since the last `clear()`. */
  get ops(): number {
    return this.count;
  }

  get size(): number {
    return this.byKey.size;
  }

  has(key: Key): boolean {
    return this.byKey.has(key);
  }

  /** What a read of `key` returns, given what the document holds. */
  effective(key: Key, inDocument: Value | undefined): Value | undefined {
    const effect = this.byKey.get(key);
    return effect === undefined ? inDocument : overlay(inDocument, effect);
  }

  /** Stages `op`; returns the key's value after it. */
  stage(key: Key, op: UpdateOp, inDocument: Value | undefined): Value {
    const effect = this.byKey.get(key);
    const current = effect === undefined ? inDocument : overlay(inDocument, effect);
    const next = applyOp(current, op);
    this.count++;
    if (effect?.kind === 'replace' || !extendsValue(current, op)) {
      this.byKey.set(key, { kind: 'replace', value: next });
      return next;
    }
    switch (op.f) {
      case 'increment': {
        const delta = effect?.kind === 'increment' ? effect.delta : 0;
        this.byKey.set(key, { kind: 'increment', delta: delta + op.value });
        break;
      }
      case 'append': {
        const items = effect?.kind === 'append' ? effect.items : [];
        this.byKey.set(key, { kind: 'append', items: [...items, op.value] });
        break;
      }
      case 'text': {
        const length = current?.kind === 'text' ? current.value.length : 0;
        const edits = effect?.kind === 'edits' ? effect.edits : [];
        const clamped = { ...clampEdit(length, op.value), insert: op.value.insert };
        this.byKey.set(key, { kind: 'edits', edits: [...edits, clamped] });
        break;
      }
      case 'write':
        // extendsValue is false for writes: handled above.
        break;
    }
    return next;
  }

  entries(): IterableIterator<[Key, StagedEffect]> {
    return this.byKey.entries();
  }

  keys(): IterableIterator<Key> {
    return this.byKey.keys();
  }

  clear(): void {
    this.byKey.clear();
    this.count = 0;
  }
}

function overlay(inDocument: Value | undefined, effect: StagedEffect): Value {
  switch (effect.kind) {
    case 'replace':
      return effect.value;
    case 'increment':
      return {
        kind: 'counter',
        value: (inDocument?.kind === 'counter' ? inDocument.value : 0) + effect.delta,
      };
    case 'append':
      return {
        kind: 'list',
        value: [...(inDocument?.kind === 'list' ? inDocument.value : []), ...effect.items],
      };
    case 'edits': {
      let text = inDocument?.kind === 'text' ? inDocument.value : '';
      for (const e of effect.edits) text = editText(text, e);
      return { kind: 'text', value: text };
    }
  }
}
