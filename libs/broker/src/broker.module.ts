import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { HealthRegistry, MetricsRegistry } from '@hv/observability';
import { Gauge } from 'prom-client';
import { InThreadBroker, type BrokerModuleOptions, type BrokerRunner } from './broker-runner';
import { BrokerThread } from './broker-thread';
import type { CredentialEvents } from './credential-events';
import type { CredentialStore } from './registry-authority';

export const CREDENTIAL_STORE = Symbol('CREDENTIAL_STORE');
export const CREDENTIAL_EVENTS = Symbol('CREDENTIAL_EVENTS');
export const BROKER_OPTIONS = Symbol('BROKER_OPTIONS');

/** Runs the embedded broker (in this thread or its own worker thread) for the lifetime of the Nest application. */
@Injectable()
export class BrokerLifecycle implements OnModuleInit, OnApplicationShutdown {
  readonly broker: BrokerRunner;

  constructor(
    @Inject(BROKER_OPTIONS) options: BrokerModuleOptions,
    @Inject(CREDENTIAL_STORE) store: CredentialStore,
    @Inject(CREDENTIAL_EVENTS) private readonly events: CredentialEvents,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsRegistry,
  ) {
    this.broker = options.thread === 'worker' ? new BrokerThread(options, store) : new InThreadBroker(options, store);
  }

  /** Module init, so the broker listens before any microservice transport connects to it. */
  async onModuleInit(): Promise<void> {
    // Listening first: a retirement committed while the first clients connect is not missed.
    await this.events.start({
      changed: (event) => this.broker.changed(event),
      reset: () => this.broker.reset(),
    });
    await this.broker.start();
    const broker = this.broker;
    this.health.register({ name: 'broker', check: async () => (await broker.stats()).listening });
    new Gauge({
      name: 'hv_broker_connected_clients',
      help: 'MQTT clients connected to the embedded broker',
      registers: [this.metrics],
      async collect() {
        this.set((await broker.stats()).connectedClients);
      },
    });
    new Gauge({
      name: 'hv_broker_refused_total',
      help: 'Connections, publishes and subscriptions the embedded broker refused, by kind',
      labelNames: ['kind'],
      registers: [this.metrics],
      async collect() {
        for (const [kind, n] of Object.entries((await broker.stats()).refused)) this.set({ kind }, n);
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
