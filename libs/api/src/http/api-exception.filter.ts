import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { ProgramError } from '@hv/lighting';
import { DuplicateError, InvalidInputError, UnknownTenantError } from '@hv/state';
import { CommandError } from '@hv/telegestion';
import { MetricsRegistry } from '@hv/observability';
import { InfluxUnavailableError } from '@hv/timeseries';
import { ApiRefusalCounter, INPUT_REFUSALS } from './api-refusals.metrics';
import { ApiError, issueOf, type FieldIssue } from './api.errors';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: FieldIssue[];
  /** 5xx only: the id of the log line that holds the cause. */
  errorId?: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 429: 'Too Many Requests', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

/**
 * Every error of an HTTP request ends here: domain errors become their 4xx (naming the
 * fields), anything else a 5xx whose answer carries an error id that is also in the log
 * with the cause, so a collectivité's report can be matched to the stack trace without
 * the answer leaking internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');
  private readonly refusals: ApiRefusalCounter | undefined;

  constructor(@Optional() registry?: MetricsRegistry) {
    this.refusals = registry ? new ApiRefusalCounter(registry) : undefined;
  }

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Global filters also apply to the MQTT transport's handlers: those keep their own handling.
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const body = toBody(exception);
    if (body.statusCode >= 500) {
      body.errorId = randomUUID();
      const cause = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error(`error ${body.errorId} on ${request.method} ${request.url.split('?')[0]}: ${cause}`);
    }
    if (INPUT_REFUSALS.has(body.statusCode)) this.refusals?.count(request.method, request.routeOptions?.url, body.statusCode);
    if (body.statusCode === 503) void reply.header('retry-after', String(RETRY_AFTER_S));
    if (exception instanceof ApiError && exception.retryAfterS !== undefined) void reply.header('retry-after', String(exception.retryAfterS));
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
  }
}

/** What a 503 asks the client to wait before retrying, s. */
const RETRY_AFTER_S = 5;

/** PostgreSQL or InfluxDB did not answer, or no connection of the pool came free in time: a 503, not a fault of the request. */
function storeUnavailable(exception: unknown): boolean {
  if (exception instanceof InfluxUnavailableError) return true;
  if (!(exception instanceof Error)) return false;
  // pg-pool: every connection busy for its connectionTimeoutMillis; pg: the server gone or refusing.
  if (/^timeout exceeded when trying to connect|^Connection terminated|^connect ECONNREFUSED/.test(exception.message)) return true;
  // PostgreSQL SQLSTATE: too many connections (53300), shutting down (57P01-57P03).
  const code = (exception as { code?: unknown }).code;
  return code === '53300' || code === '57P01' || code === '57P02' || code === '57P03';
}

/** Statuses of a body that cannot be read: not JSON, too large, of a media type the route does not take. */
const BODY_REFUSALS = INPUT_REFUSALS;
const bodyIssue = (status: number, message: string): FieldIssue => ({ field: status === 415 ? 'headers.content-type' : 'body', message });

export function toBody(exception: unknown): ErrorBody {
  const make = (statusCode: number, message: string, issues?: FieldIssue[]): ErrorBody => ({
    statusCode,
    error: REASONS[statusCode] ?? 'Error',
    message,
    ...(issues && issues.length ? { issues } : {}),
  });
  if (exception instanceof ApiError) return make(exception.status, exception.message, exception.issues);
  if (exception instanceof InvalidInputError) return make(400, exception.message, exception.issues.map((l) => issueOf(l, 'body')));
  if (exception instanceof ProgramError) return make(400, exception.message, exception.problems.map((l) => issueOf(l, 'body')));
  if (exception instanceof CommandError) return make(400, exception.message, exception.problems.map((l) => issueOf(l, 'body')));
  if (exception instanceof UnknownTenantError) return make(400, exception.message, exception.tenants.map((t) => ({ field: 'tenant', message: `unknown tenant ${t}` })));
  if (exception instanceof DuplicateError) return make(409, exception.message, [{ field: `body.${exception.field}`, message: `${exception.value} is already registered` }]);
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // Nest's Fastify adapter wraps the body parser's refusals (malformed JSON, a __proto__ key, an empty body) in a 400.
    if (BODY_REFUSALS.has(status)) return make(status, exception.message, [bodyIssue(status, exception.message)]);
    return make(status, status >= 500 ? 'internal error' : exception.message);
  }
  if (storeUnavailable(exception)) return make(503, 'a data store is unavailable or too busy to answer in time; retry later');
  // Fastify's own refusals carry a 4xx: about the body (malformed, empty, oversized), or its media type.
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = (exception as Error).message;
    return make(statusCode, message, [bodyIssue(statusCode, message)]);
  }
  return make(500, 'internal error');
}
