import { showValue, type HistoryOp, type Value } from '../../../workload/history';
import { hashValue } from '../hash';
import { byKey, OperationError, type Model, type ModelOp } from '../model';
import { REGISTER, type RegisterInput } from './register';

/**
 * One key of geolab's replica store (src/modes/shared/register-store.ts): a register
 * (`read`, `write v`, `cas [expected new]`), a counter (`increment n`, absent counts as 0) or
 * a list (`append v`, absent is the empty list), initially nothing. An op on a key of the
 * other type fails there and takes no effect, so the search never needs to apply it.
 *
 * Completions: as the register's; an ok increment may return the counter's new total, which
 * the model then checks; an ok append returns nothing the model uses.
 */
export type StoreInput =
  | RegisterInput
  | { readonly f: 'increment'; readonly by: number }
  | { readonly f: 'append'; readonly value: Value };

export const STORE: Model<Value, StoreInput, Value> = {
  name: 'store',
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case 'increment': {
        if (state !== null && typeof state !== 'number')
          return output === undefined ? state : undefined;
        const total = (state ?? 0) + input.by;
        return typeof output === 'number' && output !== total ? undefined : total;
      }
      case 'append':
        if (state !== null && !Array.isArray(state))
          return output === undefined ? state : undefined;
        return [...((state ?? []) as Value[]), input.value];
      default:
        return REGISTER.step(state, input, output);
    }
  },
  equal: (a, b) => REGISTER.equal(a, b),
  prune: unobservedAppends,
  hash: hashValue,
  operation: storeOperation,
  partition: byKey,
  describeOperation(input, output) {
    const unknown = output === undefined ? ' → ?' : '';
    switch (input.f) {
      case 'increment':
        return `increment(${input.by})${typeof output === 'number' ? ` → ${output}` : unknown}`;
      case 'append':
        return `append(${showValue(input.value)})${unknown}`;
      default:
        return REGISTER.describeOperation(input, output);
    }
  },
  describeState: (state) => REGISTER.describeState(state),
};

/**
 * Keeps every op but the appends of unknown outcome whose element no read returned. Such an
 * append never needs to take effect: a read linearized after it, and before a write replaced
 * the list, would contain its element, and none does; so in a linearization that applies it no
 * read sees the list it made, and leaving it out changes no read's outcome. Without this, each unknown append (a time-out during a
 * partition) multiplies the list states the search must tell apart, where an unknown register
 * write is forgotten at the next write.
 */
function unobservedAppends(
  ops: readonly { readonly input: StoreInput; readonly output: Value | undefined }[],
): boolean[] {
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.input.f === 'read' && Array.isArray(op.output)) {
      for (const item of op.output as Value[]) seen.add(JSON.stringify(item));
    }
  }
  return ops.map(
    (op) =>
      op.input.f !== 'append' ||
      op.output !== undefined ||
      seen.has(JSON.stringify(op.input.value)),
  );
}

function storeOperation(
  invoke: HistoryOp,
  completion: HistoryOp | undefined,
): ModelOp<StoreInput, Value> | undefined {
  switch (invoke.f) {
    case 'increment':
    case 'append': {
      if (completion?.type === 'fail') return undefined;
      const output = completion === undefined ? undefined : true;
      if (invoke.f === 'append') return { input: { f: 'append', value: invoke.value }, output };
      if (typeof invoke.value !== 'number') {
        throw new OperationError(`an increment takes a number, not ${showValue(invoke.value)}`);
      }
      const total = completion?.value;
      return {
        input: { f: 'increment', by: invoke.value },
        output: typeof total === 'number' ? total : output,
      };
    }
    case 'read':
    case 'write':
    case 'cas':
      return REGISTER.operation(invoke, completion) as ModelOp<StoreInput, Value> | undefined;
    default:
      throw new OperationError(
        `the store model has no function "${invoke.f}" (expected read, write, cas, increment or append)`,
      );
  }
}
