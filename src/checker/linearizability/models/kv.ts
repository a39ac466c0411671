import { showValue, type HistoryOp, type Value } from '../../../workload/history';
import { hashString } from '../hash';
import { byKey, OperationError, type Model, type ModelOp } from '../model';

/**
 * One key of a string key-value store: `get`, `put v`, `append v`, every key initially `""`
 * (Porcupine's kv model and test data). Keys are independent: the model partitions by `key`.
 */
export type KvInput =
  | { readonly f: 'get' }
  | { readonly f: 'put'; readonly value: string }
  | { readonly f: 'append'; readonly value: string };

/** What a get returned; for put and append, true. */
export type KvOutput = string | true;

export const KV: Model<string, KvInput, KvOutput> = {
  name: 'kv',
  init: () => '',
  step(state, input, output) {
    switch (input.f) {
      case 'get':
        return output === undefined || output === state ? state : undefined;
      case 'put':
        return input.value;
      case 'append':
        return state + input.value;
    }
  },
  equal: (a, b) => a === b,
  hash: (s) => hashString(s),
  operation: kvOperation,
  partition: byKey,
  describeOperation(input, output) {
    const unknown = output === undefined ? ' → ?' : '';
    switch (input.f) {
      case 'get':
        return `get() → ${output === undefined ? '?' : showValue(output)}`;
      case 'put':
        return `put(${showValue(input.value)})${unknown}`;
      case 'append':
        return `append(${showValue(input.value)})${unknown}`;
    }
  },
  describeState: (state) => showValue(state),
};

function kvOperation(
  invoke: HistoryOp,
  completion: HistoryOp | undefined,
): ModelOp<KvInput, KvOutput> | undefined {
  // No kv op observes anything when it fails, so every fail is dropped.
  if (completion?.type === 'fail') return undefined;
  const known = completion !== undefined;
  switch (invoke.f) {
    case 'get':
      if (!known) return undefined;
      // A key never written reads as empty; Jepsen clients may record that as nil.
      return {
        input: { f: 'get' },
        output: completion.value === null ? '' : text(completion.value),
      };
    case 'put':
    case 'append':
      return {
        input: { f: invoke.f, value: text(invoke.value) },
        output: known ? true : undefined,
      };
    default:
      throw new OperationError(
        `the kv model has no function "${invoke.f}" (expected get, put or append)`,
      );
  }
}

function text(v: Value): string {
  if (typeof v !== 'string') throw new OperationError(`kv values are strings, not ${showValue(v)}`);
  return v;
}
