import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { toBody } from './api-exception.filter';
import { RequestValidationError } from './api.errors';

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route runs, answered in
 * the API's error shape. A path whose percent-encoding is not UTF-8 (`%ED%A0%80`, a lone
 * surrogate; `%C0%80`, an overlong NUL) cannot be routed, so no parameter can be named:
 * the path is.
 */
export function apiFrameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const body =
    error.code === 'FST_ERR_BAD_URL'
      ? toBody(new RequestValidationError([{ field: 'path', message: 'is not a valid URL path: a percent-encoded sequence is not UTF-8' }]))
      : toBody(error);
  void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}
