/**
 * An API error: the HTTP status and upstream's message (api.go's `ApiError`), sent as
 * `{"error": "<message>", "status": <code>}`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }

  /** This error's message prefixed to `detail`, as upstream's `joinError(err, wrapper)`. */
  with(detail: string): ApiError {
    return new ApiError(`${this.message}: ${detail}`, this.status);
  }
}

/** Upstream's error catalogue (api.go), same messages and codes. */
export const ERR_BAD_REQUEST_BODY = new ApiError('bad request body', 400);
export const ERR_MISSING_FIELD = new ApiError('missing required field', 400);
export const ERR_PROXY_NOT_FOUND = new ApiError('proxy not found', 404);
export const ERR_PROXY_ALREADY_EXISTS = new ApiError('proxy already exists', 409);
export const ERR_INVALID_STREAM = new ApiError(
  'stream was invalid, can be either upstream or downstream',
  400,
);
export const ERR_INVALID_TOXIC_TYPE = new ApiError('invalid toxic type', 400);
export const ERR_TOXIC_ALREADY_EXISTS = new ApiError('toxic already exists', 409);
export const ERR_TOXIC_NOT_FOUND = new ApiError('toxic not found', 404);

/**
 * A listen address that is not one (no port, a bad port, an unknown host): upstream passes Go's
 * net error through as a 500; here it is a 400, the client's mistake, in the same words.
 */
export function badListenAddress(message: string): ApiError {
  return new ApiError(message, 400);
}

/**
 * A well-formed address that cannot be bound now (in use, not this host's, privileged):
 * upstream's 500; here a 409, the request conflicts with the host's state, in Go's words.
 */
export function bindConflict(message: string): ApiError {
  return new ApiError(message, 409);
}
