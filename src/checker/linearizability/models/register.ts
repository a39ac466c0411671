import {
  CAS_MISMATCH,
  sameValue,
  showValue,
  type HistoryOp,
  type Value,
} from '../../../workload/history';
import { hashValue } from '../hash';
import { byKey, OperationError, type Model, type ModelOp } from '../model';

/**
 * A compare-and-set register: `read`, `write v`, `cas [expected new]`, as Knossos'
 * `cas-register` and Porcupine's etcd model.
 *
 * Completions: an ok read returns the value read; an ok cas swapped; a `fail` cas with
 * `error: 'cas-mismatch'` ran and found something other than `expected` (Porcupine's reading of
 * etcd's `:fail :cas`); any other `fail` took no effect and is dropped.
 */
export type RegisterInput =
  | { readonly f: 'read' }
  | { readonly f: 'write'; readonly value: Value }
  | { readonly f: 'cas'; readonly expected: Value; readonly value: Value };

/** A read's value; for a cas, whether it swapped; for a write, true. */
export type RegisterOutput = Value;

export interface RegisterOptions {
  readonly name: string;
  readonly initial: Value;
  /**
   * Knossos treats a read of `nil` as "value unknown" and accepts it anywhere; for geolab and
   * etcd a `null` read means the register holds nothing (was never written).
   */
  readonly nullReadIsUnknown: boolean;
}

export function registerModel(
  options: RegisterOptions,
): Model<Value, RegisterInput, RegisterOutput> {
  return {
    name: options.name,
    init: () => options.initial,
    step(state, input, output) {
      switch (input.f) {
        case 'read':
          return output === undefined || sameValue(state, output) ? state : undefined;
        case 'write':
          return input.value;
        case 'cas': {
          const matches = sameValue(state, input.expected);
          if (output === undefined) return matches ? input.value : state;
          if (output === true) return matches ? input.value : undefined;
          return matches ? undefined : state;
        }
      }
    },
    equal: sameValue,
    hash: hashValue,
    operation: (invoke, completion) => registerOperation(options, invoke, completion),
    partition: byKey,
    describeOperation(input, output) {
      switch (input.f) {
        case 'read':
          return `read() → ${showValue(output)}`;
        case 'write':
          return `write(${showValue(input.value)})${output === undefined ? ' → ?' : ''}`;
        case 'cas': {
          const outcome = output === undefined ? '?' : output === true ? 'ok' : 'mismatch';
          return `cas(${showValue(input.expected)}, ${showValue(input.value)}) → ${outcome}`;
        }
      }
    },
    describeState: (state) => (state === null ? 'nothing (never written)' : showValue(state)),
  };
}

function registerOperation(
  options: RegisterOptions,
  invoke: HistoryOp,
  completion: HistoryOp | undefined,
): ModelOp<RegisterInput, RegisterOutput> | undefined {
  const failed = completion?.type === 'fail';
  switch (invoke.f) {
    case 'read': {
      // A read that failed, or whose result is unknown, neither changes nor constrains anything.
      if (completion === undefined || failed) return undefined;
      if (completion.value === null && options.nullReadIsUnknown) return undefined;
      return { input: { f: 'read' }, output: completion.value };
    }
    case 'write':
      if (failed) return undefined;
      return {
        input: { f: 'write', value: invoke.value },
        output: completion === undefined ? undefined : true,
      };
    case 'cas': {
      const v = invoke.value;
      if (!Array.isArray(v) || v.length !== 2) {
        throw new OperationError(`a cas takes [expected new], not ${showValue(v)}`);
      }
      const input: RegisterInput = { f: 'cas', expected: v[0] as Value, value: v[1] as Value };
      if (failed) return completion.error === CAS_MISMATCH ? { input, output: false } : undefined;
      return { input, output: completion === undefined ? undefined : true };
    }
    default:
      throw new OperationError(
        `the ${options.name} model has no function "${invoke.f}" (expected read, write or cas)`,
      );
  }
}

/** geolab's own register, and etcd's in Porcupine's data: initially nothing, a null read is exact. */
export const REGISTER = registerModel({
  name: 'register',
  initial: null,
  nullReadIsUnknown: false,
});

/** Knossos' `(cas-register 0)`: initially 0, a nil read is unknown. */
export const CAS_REGISTER = registerModel({
  name: 'cas-register',
  initial: 0,
  nullReadIsUnknown: true,
});
