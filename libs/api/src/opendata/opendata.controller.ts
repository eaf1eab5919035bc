import { Controller, Res } from '@nestjs/common';
import { tenantIdSchema } from '@hv/contracts';
import { parisDate } from '@hv/civil-time';
import { TenantRepository } from '@hv/state';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../http/api.errors';
import { calendarDay } from '../http/common.schema';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { toCsv } from './opendata-csv';
import { airQualityRowSchema, carParkRowSchema, datasetEnvelope, OPEN_DATA_LICENCE, streetlightRowSchema } from './opendata.schema';
import { lastCompleteParisDay, OpenDataService, type Page } from './opendata.service';
import { airQualityEntity, normalise, offStreetParkingEntity, streetlightEntity, type KeyValues } from './smart-data-models';

/** Rows per page: 1–10,000, 1,000 by default (a commune's luminaires in one page, the Aisne's in about 90). */
const datasetQuery = z.object({
  /** A commune, or an EPCI or the département with the communes below it; the whole territory by default. */
  tenant: tenantIdSchema.optional(),
  /** json (rows), csv, or ngsi-ld (FIWARE Smart Data Models entities, application/ld+json). */
  format: z.enum(['json', 'csv', 'ngsi-ld']).default('json'),
  /** NGSI-LD only: `keyValues` for the simplified representation (plain values) instead of the normalised one. */
  options: z.enum(['keyValues']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const keyValuesOnlyInNgsiLd = (q: { format: string; options?: string | undefined }) => q.options === undefined || q.format === 'ngsi-ld';
const refineOptions = { message: 'keyValues applies to format=ngsi-ld only', path: ['options'] };

/** A Paris day, within the stores' range (year 0001 was a 500). */
const parisDay = calendarDay;

export const openStreetlights = defineRoute({
  method: 'GET',
  path: 'opendata/streetlights',
  summary: 'Open data: the luminaires (FIWARE Streetlight), their fault status and the level of the last hour without presence boosts',
  tag: 'opendata',
  access: 'open',
  query: datasetQuery.refine(keyValuesOnlyInNgsiLd, refineOptions),
  response: datasetEnvelope(streetlightRowSchema),
});

export const openAirQuality = defineRoute({
  method: 'GET',
  path: 'opendata/air-quality',
  summary: 'Open data: a Paris day of each outdoor air-quality station (FIWARE AirQualityObserved), daily means and the ATMO index',
  tag: 'opendata',
  access: 'open',
  query: datasetQuery
    .extend({ /** The Paris day; yesterday (the last complete one) by default. */ date: parisDay.optional() })
    .refine(keyValuesOnlyInNgsiLd, refineOptions)
    .refine((q) => q.date === undefined || q.date <= parisDate(Date.now()), { message: 'must not be in the future', path: ['date'] }),
  response: datasetEnvelope(airQualityRowSchema),
});

export const openCarParks = defineRoute({
  method: 'GET',
  path: 'opendata/car-parks',
  summary: 'Open data: the car parks\' counts of the last hour (FIWARE OffStreetParking); no spot, no vehicle',
  tag: 'opendata',
  access: 'open',
  query: datasetQuery.refine(keyValuesOnlyInNgsiLd, refineOptions),
  response: datasetEnvelope(carParkRowSchema),
});

type DatasetQuery = z.output<typeof datasetQuery>;

/**
 * Open data (docs/API.md: it holds no personal data): the same for every key, the
 * `public` role's included, so no scope applies; a tenant filter only narrows the territory.
 */
@Controller()
export class OpenDataController {
  constructor(
    private readonly data: OpenDataService,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(openStreetlights)
  async streetlights(@Input() input: RouteInput<typeof openStreetlights>, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = input.query;
    const page = await this.data.streetlights(await this.territory(q.tenant), q.limit, q.offset);
    return answer(reply, 'streetlights', q, page, Object.keys(streetlightRowSchema.shape), streetlightEntity);
  }

  @ApiRoute(openAirQuality)
  async airQuality(@Input() input: RouteInput<typeof openAirQuality>, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = input.query;
    const page = await this.data.airQuality(await this.territory(q.tenant), q.date ?? lastCompleteParisDay(), q.limit, q.offset);
    return answer(reply, 'air-quality', q, page, Object.keys(airQualityRowSchema.shape), airQualityEntity);
  }

  @ApiRoute(openCarParks)
  async carParks(@Input() input: RouteInput<typeof openCarParks>, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = input.query;
    const page = await this.data.carParks(await this.territory(q.tenant), q.limit, q.offset);
    return answer(reply, 'car-parks', q, page, Object.keys(carParkRowSchema.shape), offStreetParkingEntity);
  }

  /** The tenant and the tenants below it; null for the whole territory; 404 for an unknown tenant. */
  private async territory(tenant: string | undefined): Promise<string[] | null> {
    if (tenant === undefined) return null;
    if (!(await this.tenants.findById(tenant))) throw new NotFoundError(`tenant ${tenant}`);
    return this.tenants.visibleTenants(tenant);
  }
}

/** One page in the requested format; the total is in `X-Total-Count` whatever the format. */
function answer<R extends Record<string, unknown>>(reply: FastifyReply, dataset: string, q: DatasetQuery, page: Page<R>, columns: string[], entity: (row: R) => KeyValues): unknown {
  reply.header('x-total-count', String(page.total));
  if (q.format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `inline; filename="${dataset}-${q.tenant ?? 'all'}.csv"`);
    return toCsv(columns, page.rows);
  }
  if (q.format === 'ngsi-ld') {
    // NGSI-LD §6.3.5: an answer in application/ld+json carries its @context in each entity. Serialised here, since Fastify serialises objects only for JSON types.
    reply.header('content-type', 'application/ld+json');
    const entities = page.rows.map(entity);
    return JSON.stringify(q.options === 'keyValues' ? entities : entities.map(normalise));
  }
  return { dataset, licence: OPEN_DATA_LICENCE, generatedAt: new Date().toISOString(), total: page.total, rows: page.rows };
}
