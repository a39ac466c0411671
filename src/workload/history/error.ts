/**
 * A malformed history: which line (1-based) and what is wrong there, then what would be right.
 * `geolab check` prints it alone and exits 2 (DESIGN §7).
 */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}
