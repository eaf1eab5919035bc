/**
 * The API's domain errors. Services throw them; ApiExceptionFilter turns them into HTTP
 * answers (and only there).
 */

/** One bad field of a request: `query.limit`, `body.attributes.lat`, `line 3: devEui`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  /** Sent as Retry-After, s (a locked login). */
  readonly retryAfterS?: number;

  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request that fails its schema: every bad field is named. */
export class RequestValidationError extends ApiError {
  constructor(issues: FieldIssue[]) {
    super(400, `invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
}

/** No key or session, or one that is malformed, unknown, revoked or expired (all answered alike). */
export class UnauthenticatedError extends ApiError {
  constructor() {
    super(401, 'an API key (Authorization: Bearer hv_…) or a console session is required, and this one is not valid');
  }
}

/** The key's role may not use this route, or the tenant named in the path is outside its scope. */
export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super(403, message);
  }
}

/**
 * A resource that does not exist, or exists outside the caller's scope: answered alike, so
 * that a key cannot probe which devices or alarms another collectivité has.
 */
export class NotFoundError extends ApiError {
  constructor(what: string) {
    super(404, `${what} not found`);
  }
}

/** The resource is not in a state that allows the change (acknowledging a cleared alarm). */
export class ConflictError extends ApiError {
  constructor(message: string, issues: FieldIssue[] = []) {
    super(409, message, issues);
  }
}

/** A route that needs a service this process does not run (commands need telegestion in-process). */
export class UnavailableError extends ApiError {
  constructor(message: string) {
    super(503, message);
  }
}

/** `devices[3].devEui: must be…` → `{ field: 'devices[3].devEui', message: 'must be…' }`. */
export function issueOf(line: string, prefix = ''): FieldIssue {
  const at = line.indexOf(': ');
  const field = at < 0 ? '(input)' : line.slice(0, at);
  const message = at < 0 ? line : line.slice(at + 2);
  return { field: prefix && field !== '(input)' && field !== '(root)' ? `${prefix}.${field}` : prefix || field, message };
}
