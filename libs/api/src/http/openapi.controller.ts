import { Controller } from '@nestjs/common';
import { z } from 'zod';
import { ApiRoute, defineRoute } from './route';
import { OpenApiService } from './openapi';

const openApiRoute = defineRoute({ method: 'GET', path: 'openapi.json', summary: 'This OpenAPI 3.1 document', tag: 'meta', access: 'anonymous', response: z.object({ openapi: z.string() }) });

@Controller()
export class OpenApiController {
  constructor(private readonly openapi: OpenApiService) {}

  @ApiRoute(openApiRoute)
  document(): unknown {
    return this.openapi.build();
  }
}
