import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { KpisModule } from '@hv/kpis';
import { SubscriptionRepository } from '@hv/notifier';
import { ApiKeyRepository, DeviceAdminRepository, LoginThrottleRepository, UserRepository } from '@hv/state';
import { AccountsService } from './accounts/accounts.service';
import { SessionController } from './accounts/session.controller';
import { UsersController } from './accounts/users.controller';
import { API_OPTIONS, type ApiOptions } from './api.options';
import { AlarmQueryRepository } from './alarms/alarm-query.repository';
import { AlarmsController } from './alarms/alarms.controller';
import { AuthGuard } from './auth/auth.guard';
import { ScopeResolver } from './auth/scope.resolver';
import { CommandsController } from './commands/commands.controller';
import { TelegestionLink } from './commands/telegestion-link';
import { DeviceModelsController, ShippedDeviceModels } from './device-models/device-models.controller';
import { DeviceProvisioningService } from './devices/device-provisioning.service';
import { DeviceSeriesService } from './devices/device-series.service';
import { DevicesController } from './devices/devices.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { CsvBodyParser } from './http/csv-body.parser';
import { OpenApiController } from './http/openapi.controller';
import { DataQualityController } from './quality/data-quality.controller';
import { MapController } from './map/map.controller';
import { MapRepository } from './map/map.repository';
import { OpenApiService } from './http/openapi';
import { GatewaysController } from './gateways/gateways.controller';
import { KeysController } from './keys/keys.controller';
import { CdnReportController } from './kpis/cdn-report.controller';
import { KpisController } from './kpis/kpis.controller';
import { OpenDataModule } from './opendata/opendata.module';
import { ProgramCatalogueRepository } from './programs/program-catalogue.repository';
import { ProgramsController } from './programs/programs.controller';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { TenantsController } from './tenants/tenants.controller';

/**
 * The HTTP API under /api/v1 (OpenAPI at /api/v1/openapi.json). Needs the global
 * StateModule and TimeseriesModule; uses telegestion when it runs in the same process.
 * Its guard and exception filter are global: every route of the application is checked.
 */
@Module({
  imports: [DiscoveryModule, OpenDataModule],
  controllers: [OpenApiController, SessionController, UsersController, TenantsController, KeysController, DevicesController, AlarmsController, CommandsController, ProgramsController, KpisController, CdnReportController, SubscriptionsController, GatewaysController, DeviceModelsController, DataQualityController, MapController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    ApiKeyRepository,
    UserRepository,
    LoginThrottleRepository,
    AccountsService,
    DeviceAdminRepository,
    ScopeResolver,
    OpenApiService,
    CsvBodyParser,
    TelegestionLink,
    DeviceProvisioningService,
    DeviceSeriesService,
    AlarmQueryRepository,
    ProgramCatalogueRepository,
    SubscriptionRepository,
    ShippedDeviceModels,
    MapRepository,
  ],
  exports: [OpenApiService],
})
export class ApiModule {
  static forRoot(options: ApiOptions): DynamicModule {
    return { module: ApiModule, imports: [KpisModule.forRoot({ rules: options.rules, cacheTtlMs: options.kpiCacheTtlMs })], providers: [{ provide: API_OPTIONS, useValue: options }] };
  }
}
