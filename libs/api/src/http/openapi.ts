import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { z } from 'zod';
import { ACCESS, API_PREFIX, ROUTE_META, type RouteDefinition } from './route';

type JsonSchema = Record<string, unknown>;

/** A zod schema as the JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a client sends. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    issues: { type: 'array', items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } } },
    errorId: { type: 'string', description: '5xx only: the id under which the cause is logged' },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/**
 * The OpenAPI 3.1 document, built from the same route definitions (and zod schemas) that
 * the guard and the validation read, so that the document cannot drift from what is served.
 */
@Injectable()
export class OpenApiService {
  private document: JsonSchema | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** Every route definition of the application's controllers. */
  routes(): RouteDefinition[] {
    const out: RouteDefinition[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const proto = wrapper.instance ? Object.getPrototypeOf(wrapper.instance) : undefined;
      if (!proto) continue;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const definition = Reflect.getMetadata(ROUTE_META, proto[name]) as RouteDefinition | undefined;
        if (definition) out.push(definition);
      }
    }
    return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }

  build(): JsonSchema {
    this.document ??= buildDocument(this.routes());
    return this.document;
  }
}

export function openApiPath(definition: RouteDefinition): string {
  return `/${API_PREFIX}/${definition.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function buildDocument(routes: RouteDefinition[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [
      ...fieldsOf(route.params, 'path'),
      ...fieldsOf(route.query, 'query'),
    ];
    const status = String(route.status ?? 200);
    const secured = ACCESS[route.access] !== null;
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}_${route.path.replace(/[/:]+/g, '_')}`,
      summary: route.summary,
      tags: [route.tag],
      'x-hv-access': route.access,
      ...(secured ? { description: `Roles: ${(ACCESS[route.access] ?? []).join(', ')}.` } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: route.bodyType === 'csv' ? { 'text/csv': { schema: { type: 'string' } } } : { 'application/json': { schema: jsonSchema(route.body) } },
            },
          }
        : {}),
      responses: {
        [status]: { description: 'success', ...successContent(route) },
        '400': errorResponse('a bad request: every bad field is named in `issues`'),
        ...(secured
          ? { '401': errorResponse('no valid API key or session'), '403': errorResponse('the caller may not use this route, the tenant is outside its scope, or a session request lacks its CSRF token') }
          : {}),
        ...(route.params ? { '404': errorResponse('not found, or outside the key\'s scope') } : {}),
        '500': errorResponse('an internal error, with the id under which it is logged'),
      },
    };
    (paths[openApiPath(route)] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hyperviseur API',
      version: '1',
      description: 'Registry, alarms, commands and lighting programs of the collectivités, and the territory\'s indicators (KPIs, the CDN report), each key scoped to its own tenants.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key `hv_…` (X-Api-Key is accepted too)' },
        session: { type: 'apiKey', in: 'cookie', name: 'hv_session', description: 'A console session (POST /api/v1/session); state-changing requests also send X-CSRF-Token' },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

/** The success answer's media types: JSON with its schema when documented, and any other the route produces. */
function successContent(route: RouteDefinition): Record<string, unknown> {
  const json = route.response ? { schema: jsonSchema(route.response) } : {};
  if (!route.produces) return route.response ? { content: { 'application/json': json } } : {};
  return { content: Object.fromEntries(route.produces.map((type) => [type, type === 'application/json' ? json : { schema: { type: 'string' } }])) };
}

function fieldsOf(schema: z.ZodObject<z.ZodRawShape> | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType;
    const required = where === 'path' || !type.safeParse(undefined).success;
    const { description, ...rest } = jsonSchema(type);
    return { name, in: where, required, ...(description ? { description } : {}), schema: rest };
  });
}
