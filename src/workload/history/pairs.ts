import { isClient, type HistoryOp } from './op';

/**
 * Pair each client invocation with its completion, by process, in history order: `visit`
 * gets the invocation's index and the completion's, or -1 for an op the history never
 * completes (after all the completed ones). Completions without an invocation are skipped
 * (checkWellFormed reports them); nemesis records are not client ops.
 */
export function forEachOperation(
  history: readonly HistoryOp[],
  visit: (invokeAt: number, completeAt: number) => void,
): void {
  const inFlight = new Map<HistoryOp['process'], number>();
  history.forEach((op, i) => {
    if (!isClient(op)) return;
    if (op.type === 'invoke') {
      inFlight.set(op.process, i);
      return;
    }
    const invokeAt = inFlight.get(op.process);
    if (invokeAt === undefined) return;
    inFlight.delete(op.process);
    visit(invokeAt, i);
  });
  for (const invokeAt of inFlight.values()) visit(invokeAt, -1);
}
