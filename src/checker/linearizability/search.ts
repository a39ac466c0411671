import { LinearizedSet } from './linearized-set';
import { MemoCache } from './memo-cache';
import type { Model } from './model';
import type { Operation } from './operations';

/** How much work the search may do before it answers `unknown`. */
export interface Budget {
  /** Steps left (one step tries one op at one point of the search). */
  steps: number;
  /** Absolute deadline on `clock()`, in ms. */
  readonly deadline: number;
  readonly clock: () => number;
}

/** Where the deepest attempt got stuck: everything a witness needs. */
export interface DeadEnd<State> {
  /** How many ops the longest linearizable prefix found holds. */
  readonly prefixLength: number;
  /** Its last PREFIX_TAIL ops at most (indices into the partition's ops), in order. */
  readonly prefixTail: number[];
  /** The model state after that prefix. */
  readonly state: State;
  /** The op whose completion came next: it had to take effect now, and could not. */
  readonly blocked: number;
  /** The other ops invoked by then and not yet linearized: none of them could go first. */
  readonly concurrent: number[];
}

export type SearchResult<State> =
  | { readonly verdict: 'linearizable'; readonly steps: number; readonly order: number[] }
  | {
      readonly verdict: 'not-linearizable';
      readonly steps: number;
      readonly deadEnd: DeadEnd<State>;
    }
  | { readonly verdict: 'unknown'; readonly steps: number };

// The clock is read once per this many steps: reading it is far slower than a step.
const CLOCK_EVERY = 4096;

/**
 * How much of the longest prefix a dead end keeps. Copying all of it at every new deepest dead
 * end would make a long history's search quadratic; a witness shows only its end.
 */
export const PREFIX_TAIL = 8;

/**
 * Wing & Gong's search for a linearization (J. Parallel Distrib. Comput. 1993) with Lowe's
 * memoisation ("Testing for linearizability", 2017), as Porcupine's `checkSingle` does it.
 *
 * The history is a doubly linked list of call and return events in real-time order. The search
 * walks it from the front: at a call it tries to take that op's effect now (the model's step),
 * and if that is legal and the resulting (linearized set, state) is new, it *lifts* the op's two
 * events out of the list and starts again from the front. Reaching a return event means the
 * op it belongs to should already have been linearized: backtrack, *unlifting* the last op and
 * trying the next call after it. Success is an empty list, or here, every op whose outcome is
 * known linearized: what remains may take effect after everything else, which the model must
 * always allow for an op with an unknown outcome.
 */
export function searchLinearization<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  budget: Budget,
): SearchResult<S> {
  const n = ops.length;
  const list = linkEvents(ops);
  const { next, opOf, match } = list;
  const head = 2 * n;

  const linearized = new LinearizedSet(n);
  const cache = new MemoCache<S>(model.equal);
  const zobrist = zobristKeys(n);
  let setHash = 0;

  // The stack of linearized ops (their call nodes) and the state before each.
  const stackNode = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  let depth = 0;

  let mustLeft = 0;
  for (const op of ops) if (op.ret !== Infinity) mustLeft++;
  let mustDepth = 0;
  let best: DeadEnd<S> | undefined;
  let bestMustDepth = -1;

  let state = model.init();
  let node = next[head];
  let steps = 0;
  while (mustLeft > 0) {
    if (steps >= budget.steps || (steps % CLOCK_EVERY === 0 && budget.clock() > budget.deadline)) {
      budget.steps -= steps;
      return { verdict: 'unknown', steps };
    }
    steps++;
    const op = opOf[node];
    if (match[node] >= 0) {
      // A call: try to linearize its op here.
      const o = ops[op];
      const after = model.step(state, o.input, o.output);
      if (after !== undefined) {
        linearized.add(op);
        const h = (setHash ^ zobrist[op]) + Math.imul(model.hash(after), 0x9e3779b1);
        if (cache.add(h | 0, linearized, after)) {
          stackNode[depth] = node;
          stackState[depth++] = state;
          state = after;
          setHash ^= zobrist[op];
          if (o.ret !== Infinity) {
            mustLeft--;
            mustDepth++;
          }
          lift(list, node);
          node = next[head];
          continue;
        }
        linearized.remove(op);
      }
      node = next[node];
      continue;
    }
    // A return: its op cannot be linearized at any point tried so far. Note the deepest such
    // dead end for the witness, then backtrack.
    if (mustDepth > bestMustDepth) {
      bestMustDepth = mustDepth;
      best = deadEnd(list, head, node, state, stackNode, depth);
    }
    if (depth === 0) {
      budget.steps -= steps;
      return { verdict: 'not-linearizable', steps, deadEnd: best as DeadEnd<S> };
    }
    node = stackNode[--depth];
    state = stackState[depth];
    const undone = opOf[node];
    linearized.remove(undone);
    setHash ^= zobrist[undone];
    if (ops[undone].ret !== Infinity) {
      mustLeft++;
      mustDepth--;
    }
    unlift(list, node);
    node = next[node];
  }
  budget.steps -= steps;
  const order = Array.from(stackNode.subarray(0, depth), (callNode) => opOf[callNode]);
  return { verdict: 'linearizable', steps, order };
}

/** The history as a doubly linked list of events over typed arrays; node 2n is the head. */
interface EventList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly opOf: Int32Array;
  /** For a call node, the node of its return; -1 for a return node. */
  readonly match: Int32Array;
}

function linkEvents<I, O>(ops: readonly Operation<I, O>[]): EventList {
  const n = ops.length;
  // Event e < n is the call of op e; event e >= n is the return of op e - n.
  const events = Array.from({ length: 2 * n }, (_, e) => e);
  const time = (e: number): number => (e < n ? ops[e].call : ops[e - n].ret);
  const position = (e: number): number => {
    if (e < n) return ops[e].invoke;
    const c = ops[e - n].completion;
    return c < 0 ? Number.MAX_SAFE_INTEGER : c;
  };
  events.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    // At equal times calls go first, so the ops count as concurrent (Porcupine's `byTime`).
    const ca = a < n ? 0 : 1;
    const cb = b < n ? 0 : 1;
    return ca - cb || position(a) - position(b);
  });
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  const opOf = new Int32Array(2 * n + 1).fill(-1);
  const match = new Int32Array(2 * n + 1).fill(-1);
  const nodeOfReturn = new Int32Array(n);
  events.forEach((e, node) => {
    opOf[node] = e < n ? e : e - n;
    if (e >= n) nodeOfReturn[e - n] = node;
    next[node] = node + 1 < 2 * n ? node + 1 : -1;
    prev[node] = node === 0 ? head : node - 1;
  });
  events.forEach((e, node) => {
    if (e < n) match[node] = nodeOfReturn[e];
  });
  next[head] = n > 0 ? 0 : -1;
  prev[head] = -1;
  return { next, prev, opOf, match };
}

/** Takes a call and its return out of the list (a call is always followed by its return). */
function lift(list: EventList, call: number): void {
  const { next, prev, match } = list;
  next[prev[call]] = next[call];
  prev[next[call]] = prev[call];
  const ret = match[call];
  next[prev[ret]] = next[ret];
  if (next[ret] >= 0) prev[next[ret]] = prev[ret];
}

/** Puts them back, in the reverse order of `lift`. */
function unlift(list: EventList, call: number): void {
  const { next, prev, match } = list;
  const ret = match[call];
  next[prev[ret]] = ret;
  if (next[ret] >= 0) prev[next[ret]] = ret;
  next[prev[call]] = call;
  prev[next[call]] = call;
}

function deadEnd<S>(
  list: EventList,
  head: number,
  returnNode: number,
  state: S,
  stackNode: Int32Array,
  depth: number,
): DeadEnd<S> {
  const blocked = list.opOf[returnNode];
  const concurrent: number[] = [];
  for (let node = list.next[head]; node !== returnNode; node = list.next[node]) {
    if (list.match[node] >= 0 && list.opOf[node] !== blocked) concurrent.push(list.opOf[node]);
  }
  const tail = stackNode.subarray(Math.max(0, depth - PREFIX_TAIL), depth);
  const prefixTail = Array.from(tail, (node) => list.opOf[node]);
  return { prefixLength: depth, prefixTail, state, blocked, concurrent };
}

/**
 * A random 32-bit key per op (Zobrist hashing): the linearized set's hash is the xor of its
 * ops' keys, kept up to date in O(1) per step. Seeded, so runs are reproducible.
 */
function zobristKeys(n: number): Int32Array {
  const keys = new Int32Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    // xorshift32 (Marsaglia 2003)
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    keys[i] = x;
  }
  return keys;
}
