import { applyDecorators, createParamDecorator, Delete, Get, HttpCode, Patch, Post, Put, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ApiRole } from '@hv/state';
import type { z } from 'zod';
import { RequestValidationError, type FieldIssue } from './api.errors';
import { fieldOf, hostileInputIssues } from './input-guard';

/** Every API route lives under this prefix; the OpenAPI document is beside it. */
export const API_PREFIX = 'api/v1';

/**
 * Who may call a route. `tenant` routes then check the tenant of the data against the
 * key's scope; `territory` routes read the territory itself (its tenants), which the CDN
 * needs to read its aggregates; `aggregate` routes serve counts and sums, never a device
 * (the CDN's indicators; a collectivité's over its own scope); `open` routes serve what
 * every key may see; `admin` routes manage people's accounts within the caller's scope.
 */
export const ACCESS = {
  anonymous: null,
  open: ['operator', 'epci', 'commune', 'cdn', 'public'],
  territory: ['operator', 'epci', 'commune', 'cdn'],
  aggregate: ['operator', 'epci', 'commune', 'cdn'],
  tenant: ['operator', 'epci', 'commune'],
  /** People's accounts: operators for everyone, an EPCI for itself and its communes. */
  admin: ['operator', 'epci'],
  operator: ['operator'],
} as const satisfies Record<string, readonly ApiRole[] | null>;
export type Access = keyof typeof ACCESS;

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** One route: its HTTP shape, who may call it, and the schemas that validate and document it. */
export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below API_PREFIX, Nest syntax (`tenants/:tenant/devices`). */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: z.ZodType;
  /** How the body travels: JSON (default) or a CSV file (`text/csv`). */
  bodyType?: 'json' | 'csv';
  /** The success status (200 by default, 201 for creations). */
  status?: number;
  /** The success answer, documented (not enforced). */
  response?: z.ZodType;
  /** Media types of the success answer when it is not JSON alone (a report also served as CSV). */
  produces?: string[];
}

export const ROUTE_META = Symbol('hv:api-route');

/** Keeps the definition's literal types (schemas, path) for RouteInput. */
export function defineRoute<const D extends RouteDefinition>(definition: D): D {
  return definition;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives, parsed: `@Input() input: RouteInput<typeof listDevices>`. */
export interface RouteInput<D extends RouteDefinition> {
  params: Out<D['params']>;
  query: Out<D['query']>;
  body: Out<D['body']>;
}

const METHODS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete };

/** Registers the Nest route and records its definition for the guard, the validation and the OpenAPI document. */
export function ApiRoute(definition: RouteDefinition): MethodDecorator {
  return applyDecorators(
    METHODS[definition.method](`${API_PREFIX}/${definition.path}`),
    HttpCode(definition.status ?? 200),
    SetMetadata(ROUTE_META, definition),
  );
}

/** The route's params, query and body parsed with its schemas; a 400 naming every bad field otherwise. */
export const Input = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const definition = Reflect.getMetadata(ROUTE_META, ctx.getHandler()) as RouteDefinition | undefined;
  if (!definition) throw new Error(`@Input() on ${ctx.getClass().name}.${ctx.getHandler().name}, which has no @ApiRoute`);
  const request = ctx.switchToHttp().getRequest<{ params?: unknown; query?: unknown; body?: unknown }>();
  return parseInput(definition, request);
});

/**
 * Every route's input goes through here: first what no route can serve (control characters,
 * lone surrogates, deep nesting: input-guard.ts), then the route's schemas. Either way a 400
 * names each bad field, so that a route added later gets the same refusals for free.
 */
export function parseInput(definition: RouteDefinition, request: { params?: unknown; query?: unknown; body?: unknown }): RouteInput<RouteDefinition> {
  const parts = [
    ['params', definition.params, request.params === undefined ? {} : { ...(request.params as object) }],
    ['query', definition.query, request.query === undefined ? {} : { ...(request.query as object) }],
    ['body', definition.body, request.body],
  ] as const;
  const hostile = parts.flatMap(([where, schema, value]) => (schema ? hostileInputIssues(where, value) : []));
  if (hostile.length) throw new RequestValidationError(hostile);
  const issues: FieldIssue[] = [];
  const [params, query, body] = parts.map(([where, schema, value]) => {
    if (!schema) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const field = fieldOf(where, issue.path);
      // One issue per field, its messages joined (a day both out of range and in the future).
      const same = issues.find((i) => i.field === field);
      if (!same) issues.push({ field, message: issue.message });
      else if (!same.message.includes(issue.message)) same.message = `${same.message}; ${issue.message}`;
    }
    return undefined;
  });
  if (issues.length) throw new RequestValidationError(issues);
  return { params, query, body } as RouteInput<RouteDefinition>;
}
