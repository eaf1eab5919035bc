import { Module } from '@nestjs/common';
import { OpenDataController } from './opendata.controller';
import { OpenDataService } from './opendata.service';
import { OpenObjectsRepository } from './open-objects.repository';
import { OpenReadingsRepository } from './open-readings.repository';

/** Open data under /api/v1/opendata (part of ApiModule: its global guard and filter apply). Needs the global StateModule and TimeseriesModule. */
@Module({
  controllers: [OpenDataController],
  providers: [OpenDataService, OpenObjectsRepository, OpenReadingsRepository],
})
export class OpenDataModule {}
