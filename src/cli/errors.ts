/**
 * Exit codes shared by every subcommand (DESIGN §7): 0 ok, 1 a check failed, 2 bad input.
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** A bug in geolab itself (sysexits' EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

/** Bad input from the user: printed as its message alone (one line), exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
