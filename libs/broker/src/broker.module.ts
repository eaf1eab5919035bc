import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { HealthRegistry, MetricsRegistry } from '@hv/observability';
import { Gauge } from 'prom-client';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from './broker.service';
import type { CredentialEvents } from './credential-events';
import { RegistryBrokerAuthority, type CredentialStore, type ServiceAccount } from './registry-authority';

export const CREDENTIAL_STORE = Symbol('CREDENTIAL_STORE');
export const CREDENTIAL_EVENTS = Symbol('CREDENTIAL_EVENTS');
export const BROKER_OPTIONS = Symbol('BROKER_OPTIONS');

export interface BrokerModuleOptions extends EmbeddedBrokerOptions {
  service: ServiceAccount;
}

/** Runs the embedded broker for the lifetime of the Nest application. */
@Injectable()
export class BrokerLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly broker: EmbeddedBroker;
  private readonly authority: RegistryBrokerAuthority;

  constructor(
    @Inject(BROKER_OPTIONS) options: BrokerModuleOptions,
    @Inject(CREDENTIAL_STORE) store: CredentialStore,
    @Inject(CREDENTIAL_EVENTS) private readonly events: CredentialEvents,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {
    this.authority = new RegistryBrokerAuthority(options.service, store);
    this.broker = new EmbeddedBroker(options, this.authority);
  }

  /** Module init, so the broker listens before any microservice transport connects to it. */
  async onModuleInit(): Promise<void> {
    // Listening first: a retirement committed while the first clients connect is not missed.
    await this.events.start({
      changed: (event) => {
        this.authority.forgetIdentity(event);
        this.broker.downlinks.forgetDevEuis(event.devEuis);
        this.broker.closeConnectionsOf(event.kind, event.id);
      },
      reset: () => {
        this.authority.forget();
        this.broker.downlinks.clear();
      },
    });
    await this.broker.start();
    const broker = this.broker;
    this.health.register({ name: 'broker', check: async () => broker.listening });
    new Gauge({ name: 'hv_broker_connected_clients', help: 'MQTT clients connected to the embedded broker', registers: [this.metrics], collect() { this.set(broker.connectedClients); } });
    new Gauge({
      name: 'hv_broker_refused_total',
      help: 'Connections, publishes and subscriptions the embedded broker refused, by kind',
      labelNames: ['kind'],
      registers: [this.metrics],
      collect() {
        for (const [kind, n] of Object.entries(broker.refused)) this.set({ kind }, n);
      },
    });
  }

  /** Application shutdown comes after the transports closed (they ack through the broker). */
  async onApplicationShutdown(): Promise<void> {
    await this.broker.stop();
    await this.events.stop();
  }
}

/**
 * The embedded aedes broker. `credentialStore` provides CREDENTIAL_STORE (the registry),
 * `credentialEvents` CREDENTIAL_EVENTS (its change feed: retirements, rotations).
 */
@Module({})
export class BrokerModule {
  static forRoot(options: BrokerModuleOptions, credentialStore: Provider, credentialEvents: Provider): DynamicModule {
    return {
      module: BrokerModule,
      providers: [credentialStore, credentialEvents, { provide: BROKER_OPTIONS, useValue: options }, BrokerLifecycle],
      exports: [BrokerLifecycle],
    };
  }
}
