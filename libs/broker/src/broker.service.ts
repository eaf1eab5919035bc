import { Logger } from '@nestjs/common';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createServer, type Server } from 'node:net';
import { mayPublish, maySubscribe } from './acl';
import { clientIdBelongsTo, ownClientIds } from './client-id';
import { DownlinkOwners, downlinkOf, ttsDownlinkTopic } from './downlink-owners';
import type { BrokerAuthority, Identity } from './identity';
import { keepResumedSessionInOrder } from './session-order';

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port (tests); read `port` after start(). */
  port: number;
  /** Largest accepted PUBLISH payload, bytes; a larger one is refused and the client disconnected. */
  maxPayloadBytes: number;
}

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

const identities = new WeakMap<Client, Identity>();

/** The key of an identity's open connections: a device's or a gateway's id. */
const holderKey = (kind: 'device' | 'gateway', id: string): string => `${kind}:${id}`;

/**
 * The embedded broker: aedes (MQTT 3.1.1) with per-device authentication against the
 * registry and topic ACLs. Persistence is aedes' in-memory default: sessions, retained
 * status and queued QoS 1 messages live as long as the process (an external broker is
 * the answer where they must outlive it). A resumed persistent session gets its queue
 * before new messages (session-order.ts).
 */
export class EmbeddedBroker {
  private readonly logger = new Logger(EmbeddedBroker.name);
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  port = 0;
  /**
   * Refusals by kind, for tests and metrics: `client_id`, a CONNECT with a client id that
   * is not the identity's; `revoked`, an open connection closed by a retirement or rotation;
   * `forward`, a LoRaWAN downlink withheld from a bridge of another tenant (downlink-owners.ts).
   */
  readonly refused = { auth: 0, client_id: 0, publish: 0, subscribe: 0, oversized: 0, topic: 0, revoked: 0, forward: 0 };
  /** Whose tenant each LoRaWAN downlink topic is: bridges are forwarded their own only. */
  readonly downlinks = new DownlinkOwners();
  /** Open connections of each device and gateway, to close them when their credentials change. */
  private readonly holders = new Map<string, Set<Client>>();

  constructor(
    private readonly options: EmbeddedBrokerOptions,
    private readonly authority: BrokerAuthority,
  ) {}

  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }

  async start(): Promise<void> {
    const aedes = await Aedes.createBroker({
      heartbeatInterval: 60_000, // 1 minute
      connectTimeout: 30_000, // 30 s for a CONNECT after the TCP handshake
    });
    this.aedes = aedes;
    aedes.preConnect = (client, packet, done) => {
      keepResumedSessionInOrder(client, packet.clean !== false);
      done(null, true);
    };
    aedes.authenticate = (client, username, password, done) => {
      if (!username || !password) return done(authError(BAD_USERNAME_OR_PASSWORD, 'credentials required'), false);
      this.authority.authenticate(username, password.toString('utf8')).then(
        (who) => {
          if (!who) {
            this.refused.auth++;
            return done(authError(BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false);
          }
          // Refused here, in aedes' first connect step: the takeover of a client with the
          // same id (registerClient) comes later and never happens for this one.
          if (!clientIdBelongsTo(who, client.id)) {
            this.refused.client_id++;
            this.logger.debug(`refused client id "${client.id.slice(0, 80)}" for ${who.kind} ${who.id}: it may use ${ownClientIds(who)}`);
            return done(authError(IDENTIFIER_REJECTED, `client id is not ${ownClientIds(who)}`), false);
          }
          identities.set(client, who);
          this.hold(client, who);
          done(null, true);
        },
        (error: Error) => done(authError(NOT_AUTHORIZED, `registry unavailable: ${error.message}`), false),
      );
    };
    aedes.authorizePublish = (client, packet, done) => {
      // client is null for the broker's own publishes ($SYS): those are trusted.
      if (!client) return done(null);
      const who = identities.get(client);
      if (!who) return done(new Error('not authenticated'));
      if (packet.payload.length > this.options.maxPayloadBytes) {
        this.refused.oversized++;
        return done(new Error(`payload of ${packet.payload.length} bytes exceeds ${this.options.maxPayloadBytes}`));
      }
      // aedes 1.2's persistence does not match `+` against an empty level, so a persistent
      // subscriber (ingest, clean: false) would never receive such a message while its
      // publisher got its PUBACK: a silent loss. No Hyperviseur topic has an empty level.
      if (hasEmptyLevel(packet.topic)) {
        this.refused.topic++;
        return done(new Error(`topic "${packet.topic.slice(0, 80)}" has an empty level`));
      }
      mayPublish(who, packet.topic, this.authority, packet.payload as Buffer).then(
        (decision) => {
          if (!decision.allow) {
            this.refused.publish++;
            return done(new Error(decision.why));
          }
          const learning = this.learnDownlinkOwner(who, packet.topic, decision.devEui);
          if (!learning) return done(null);
          learning.then(() => done(null), (error: Error) => done(error));
        },
        (error: Error) => done(error),
      );
    };
    // Called synchronously for each subscriber a message is about to be sent to.
    aedes.authorizeForward = (client, packet) => {
      const who = identities.get(client);
      if (!who) return null; // its credentials were revoked: it is being closed
      if (who.kind !== 'gateway' || who.network === 'native') return packet;
      const downlink = downlinkOf(packet.topic);
      if (!downlink || this.downlinks.ownerOf(packet.topic) === who.tenant) return packet;
      this.refused.forward++;
      return null;
    };
    aedes.authorizeSubscribe = (client, subscription, done) => {
      const who = identities.get(client);
      const decision = who ? maySubscribe(who, subscription.topic) : { allow: false as const, why: 'not authenticated' };
      if (decision.allow) return done(null, subscription);
      this.refused.subscribe++;
      // A null subscription answers 0x80 (failure) in the SUBACK without dropping the client.
      done(null, null);
    };
    // Nagle off (Node's net server leaves it on): a small packet to a client that also
    // publishes (a gateway, an operator's console) waited for that client's delayed ACK of
    // our previous segment, its PUBACK (a publish → republish → delivery round trip took
    // 41 ms instead of 1.5 ms, median, idle).
    this.server = createServer({ noDelay: true }, aedes.handle);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.options.port;
    this.logger.log(`embedded MQTT broker on ${this.options.host}:${this.port}`);
  }

  /**
   * Before a LoRaWAN downlink or a The Things Stack uplink goes on, notes whose tenant its
   * downlink topic is (downlink-owners.ts): a ChirpStack downlink's devEui is looked up in
   * the registry (cached); a TTS uplink the ACL accepted binds its device's downlink topic
   * to the bridge's tenant.
   */
  private learnDownlinkOwner(who: Identity, topic: string, ttsDevEui: string | undefined): Promise<void> | undefined {
    if (who.kind === 'gateway' && who.network === 'tts') {
      const downlinkTopic = ttsDownlinkTopic(topic);
      if (downlinkTopic && ttsDevEui) this.downlinks.set(downlinkTopic, who.tenant, ttsDevEui);
      return undefined;
    }
    if (who.kind !== 'service') return undefined; // devices and native gateways: nothing to wait for
    const downlink = downlinkOf(topic);
    if (downlink?.network !== 'chirpstack') return undefined;
    return this.authority.devEuiTenant(downlink.devEui).then((tenant) => {
      if (tenant) this.downlinks.set(topic, tenant, downlink.devEui);
    });
  }

  /** Tracks a device's or gateway's connection until it closes. */
  private hold(client: Client, who: Identity): void {
    if (who.kind === 'service') return;
    const key = holderKey(who.kind, who.id);
    let set = this.holders.get(key);
    if (!set) this.holders.set(key, (set = new Set()));
    set.add(client);
    client.conn.once('close', () => {
      set.delete(client);
      if (set.size === 0 && this.holders.get(key) === set) this.holders.delete(key);
    });
  }

  /**
   * Closes every open connection of a device or gateway whose credentials were retired or
   * rotated: none of them may publish another message. Its last will is not published (the
   * identity is forgotten first, and a will is authorised like any publish).
   */
  closeConnectionsOf(kind: 'device' | 'gateway', id: string): number {
    const set = this.holders.get(holderKey(kind, id));
    if (!set) return 0;
    this.holders.delete(holderKey(kind, id));
    for (const client of set) {
      identities.delete(client);
      this.refused.revoked++;
      client.close();
    }
    return set.size;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get url(): string {
    return `mqtt://${this.options.host}:${this.port}`;
  }

  async stop(): Promise<void> {
    // aedes first: it disconnects the clients, which lets the TCP server finish closing.
    await new Promise<void>((resolve) => (this.aedes ? this.aedes.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function hasEmptyLevel(topic: string): boolean {
  return topic.startsWith('/') || topic.endsWith('/') || topic.includes('//');
}

function authError(code: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}
