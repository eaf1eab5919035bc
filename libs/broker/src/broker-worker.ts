/**
 * Entry of the broker's worker thread (broker-thread.ts): runs the embedded broker, asks
 * the owning thread for registry reads, and answers its events, scrapes and stop.
 */
import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { InThreadBroker } from './broker-runner';
import type { BrokerWorkerData, FromBrokerWorker, ToBrokerWorker } from './broker-thread';
import type { CredentialStore } from './registry-authority';

const port = parentPort!;
const data = workerData as BrokerWorkerData;
if (data.logLevels) Logger.overrideLogger(data.logLevels);

const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 1;
const post = (msg: FromBrokerWorker) => port.postMessage(msg);
const call = <T>(method: keyof CredentialStore, args: unknown[]): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const id = nextId++;
    calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post({ t: 'call', id, method, args });
  });

const store: CredentialStore = {
  verifyDevice: (id, secret) => call('verifyDevice', [id, secret]),
  verifyGateway: (id, secret) => call('verifyGateway', [id, secret]),
  deviceHome: (id) => call('deviceHome', [id]),
  devEuiTenant: (devEui) => call('devEuiTenant', [devEui]),
};

const broker = new InThreadBroker(data, store);

port.on('message', (msg: ToBrokerWorker) => {
  switch (msg.t) {
    case 'reply': {
      const waiter = calls.get(msg.id);
      calls.delete(msg.id);
      if (msg.error !== undefined) waiter?.reject(new Error(msg.error));
      else waiter?.resolve(msg.value);
      break;
    }
    case 'changed':
      broker.changed(msg.event);
      break;
    case 'reset':
      broker.reset();
      break;
    case 'stats':
      void broker.stats().then((stats) => post({ t: 'stats', id: msg.id, stats }));
      break;
    case 'stop':
      void broker.stop().then(() => {
        post({ t: 'stopped' });
        port.close(); // nothing else keeps the thread: it ends
      });
      break;
  }
});

broker.start().then(
  () => {
    // The thread's id for per-thread CPU accounting (/proc/PID/task/TID), e.g. by the ingest benchmark.
    const tid = threadTid();
    new Logger('EmbeddedBroker').log(`broker thread ${tid ?? '?'} serves MQTT`);
    post({ t: 'started', port: broker.port });
  },
  (error: Error) => post({ t: 'failed', message: error.message }),
);

function threadTid(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    return Number(stat.slice(0, stat.indexOf(' ')));
  } catch {
    return undefined; // not Linux
  }
}
