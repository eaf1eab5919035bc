import { Controller, Res } from '@nestjs/common';
import { CdnReportService, reportCsv, TerritoryLoader } from '@hv/kpis';
import { TenantRepository } from '@hv/state';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiRoute, defineRoute, Input, type RouteInput } from '../http/route';
import { checkPeriod, checkReference, periodOf, periodQuery, referenceOf, referenceQuery, tenantsOf } from './kpi-query';

export const cdnReport = defineRoute({
  method: 'GET',
  path: 'kpis/report',
  summary:
    'The CDN report of a period: connected objects, energy saved, air quality and parking congestion per EPCI and for the département, as JSON or as CSV (format=csv: one line per EPCI, the département last)',
  tag: 'kpis',
  access: 'aggregate',
  query: z
    .object({
      ...periodQuery,
      ...referenceQuery,
      /**
       * `json` (default) or `csv`. A query parameter rather than `Accept`: a link or a
       * spreadsheet's "from web" import can ask for it, and it is validated and documented
       * like every other parameter.
       */
      format: z.enum(['json', 'csv']).default('json'),
    })
    .superRefine(checkPeriod)
    .superRefine(checkReference),
  produces: ['application/json', 'text/csv'],
});

/** The CDN's report (access `aggregate`: the CDN, operators, and each collectivité over its own scope). */
@Controller()
export class CdnReportController {
  constructor(
    private readonly report: CdnReportService,
    private readonly territories: TerritoryLoader,
    private readonly tenants: TenantRepository,
  ) {}

  @ApiRoute(cdnReport)
  async get(@Input() input: RouteInput<typeof cdnReport>, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) reply: FastifyReply) {
    const period = periodOf(input.query);
    const reference = referenceOf(input.query, period);
    const territory = await this.territories.load();
    const tenants = await tenantsOf(caller, input.query.tenant, this.tenants, territory);
    const report = await this.report.build(tenants, period, reference, territory);
    if (input.query.format === 'json') return report;
    const name = `hyperviseur-report-${report.period.from.slice(0, 13)}-${report.period.to.slice(0, 13)}.csv`.replace(/:/g, '');
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`);
    return reportCsv(report);
  }
}
