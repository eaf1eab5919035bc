import type { LogLevel } from '@nestjs/common';
import { EmbeddedBroker, type EmbeddedBrokerOptions } from './broker.service';
import type { CredentialEvent } from './credential-events';
import { RegistryBrokerAuthority, type CredentialStore, type ServiceAccount } from './registry-authority';

export interface BrokerModuleOptions extends EmbeddedBrokerOptions {
  service: ServiceAccount;
  /**
   * 'worker' runs aedes on a worker thread of its own (the all-in-one, where it would
   * otherwise share one thread with ingest and telegestion); 'main' (default) in the
   * calling thread (the broker app, which does nothing else).
   */
  thread?: 'main' | 'worker';
  /** The app's log levels, for the broker's own logger on its thread. */
  logLevels?: LogLevel[];
}

/** What /metrics and /health read of a running broker. */
export interface BrokerStats {
  listening: boolean;
  connectedClients: number;
  refused: Record<string, number>;
}

/** The embedded broker wherever it runs: this thread or a worker thread. */
export interface BrokerRunner {
  /** The port it listens on, once started. */
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One identity's credentials changed: forget its cached logins and lookups, close its connections. */
  changed(event: CredentialEvent): void;
  /** The change feed may have missed events: forget every cached login and lookup. */
  reset(): void;
  stats(): Promise<BrokerStats>;
}

/** The broker in the calling thread, with its registry authority (its caches) beside it. */
export class InThreadBroker implements BrokerRunner {
  readonly broker: EmbeddedBroker;
  private readonly authority: RegistryBrokerAuthority;

  constructor(options: BrokerModuleOptions, store: CredentialStore) {
    this.authority = new RegistryBrokerAuthority(options.service, store);
    this.broker = new EmbeddedBroker(options, this.authority);
  }

  get port(): number {
    return this.broker.port;
  }

  start(): Promise<void> {
    return this.broker.start();
  }

  stop(): Promise<void> {
    return this.broker.stop();
  }

  changed(event: CredentialEvent): void {
    this.authority.forgetIdentity(event);
    this.broker.downlinks.forgetDevEuis(event.devEuis);
    this.broker.closeConnectionsOf(event.kind, event.id);
  }

  reset(): void {
    this.authority.forget();
    this.broker.downlinks.clear();
  }

  async stats(): Promise<BrokerStats> {
    return { listening: this.broker.listening, connectedClients: this.broker.connectedClients, refused: { ...this.broker.refused } };
  }
}
