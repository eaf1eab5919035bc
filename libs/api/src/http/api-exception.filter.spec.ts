import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { ProgramError } from '@hv/lighting';
import { DuplicateError, InvalidInputError, UnknownTenantError } from '@hv/state';
import { CommandError } from '@hv/telegestion';
import { InfluxUnavailableError } from '@hv/timeseries';
import { ConflictError, RequestValidationError } from './api.errors';
import { toBody } from './api-exception.filter';

describe('toBody: errors become answers', () => {
  it('a request validation error is a 400 naming each field', () => {
    expect(toBody(new RequestValidationError([{ field: 'query.limit', message: 'Too big' }]))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'invalid request: query.limit: Too big',
      issues: [{ field: 'query.limit', message: 'Too big' }],
    });
  });

  it('domain errors of the libs keep their field names, under body', () => {
    expect(toBody(new InvalidInputError('device attributes', ['attributes.lat: Too big'])).issues).toEqual([{ field: 'body.attributes.lat', message: 'Too big' }]);
    expect(toBody(new ProgramError(['steps[1].at: must be a Paris time HH:MM'])).issues).toEqual([{ field: 'body.steps[1].at', message: 'must be a Paris time HH:MM' }]);
    expect(toBody(new CommandError(['target: no registered device'])).issues).toEqual([{ field: 'body.target', message: 'no registered device' }]);
    expect(toBody(new UnknownTenantError(['99999'])).statusCode).toBe(400);
    expect(toBody(new DuplicateError('device', 'id', 'lamp-1'))).toMatchObject({ statusCode: 409, issues: [{ field: 'body.id', message: 'lamp-1 is already registered' }] });
    expect(toBody(new ConflictError('already cleared')).statusCode).toBe(409);
  });

  it('Nest and Fastify refusals keep their 4xx (unknown route, malformed JSON, unsupported media type)', () => {
    expect(toBody(new NotFoundException('Cannot GET /api/v1/nope')).statusCode).toBe(404);
    expect(toBody(Object.assign(new SyntaxError('Unexpected token } in JSON'), { statusCode: 400 })).statusCode).toBe(400);
    expect(toBody(Object.assign(new Error('Unsupported Media Type: text/xml'), { statusCode: 415 })).error).toBe('Unsupported Media Type');
  });

  it('Fastify\'s refusals name what they refuse: the body, or its content type', () => {
    expect(toBody(Object.assign(new SyntaxError('Object contains forbidden prototype property'), { statusCode: 400 })).issues).toEqual([{ field: 'body', message: 'Object contains forbidden prototype property' }]);
    expect(toBody(Object.assign(new Error('Request body is too large'), { statusCode: 413 })).issues?.[0]?.field).toBe('body');
    expect(toBody(Object.assign(new Error('Unsupported Media Type: text/xml'), { statusCode: 415 })).issues?.[0]?.field).toBe('headers.content-type');
    expect(toBody(new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'")).issues).toEqual([{ field: 'body', message: "Body is not valid JSON but content-type is set to 'application/json'" }]);
    expect(toBody(new NotFoundException('Cannot GET /api/v1/nope')).issues).toBeUndefined();
  });

  it('a data store down or too busy is a 503 to retry, saying nothing of which (the filter adds the logged error id)', () => {
    const unavailable = { statusCode: 503, error: 'Service Unavailable', message: 'a data store is unavailable or too busy to answer in time; retry later' };
    expect(toBody(new InfluxUnavailableError('connect ECONNREFUSED 127.0.0.1:28086'))).toEqual(unavailable);
    expect(toBody(new Error('timeout exceeded when trying to connect'))).toEqual(unavailable);
    expect(toBody(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).toEqual(unavailable);
    expect(toBody(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toEqual(unavailable);
  });

  it('anything else is a 500 that says nothing of its cause (the filter adds the logged error id)', () => {
    expect(toBody(new Error('column "x" does not exist'))).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
    expect(toBody(Object.assign(new Error('duplicate key'), { code: '23505' })).statusCode).toBe(500);
    expect(toBody('a string thrown').statusCode).toBe(500);
  });
});
