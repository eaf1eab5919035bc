/**
 * A throwaway node:http server standing in for InfluxDB, for InfluxRepository's unit tests:
 * `useFakeInflux()` starts it for the calling spec file, records what reaches it (`seen`)
 * and answers with `handler`; repositories made by `repository()` are closed after each test.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { InfluxOptions } from '../influx.options';
import { InfluxRepository } from '../influx.repository';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FakeInflux {
  baseUrl: string;
  /** Requests received in the current test, in order. */
  readonly seen: Seen[];
  handler: Handler;
  /** A repository on this server (database `hv`, 500 ms timeout unless overridden). */
  repository(options?: Partial<InfluxOptions>): InfluxRepository;
}

export const answer =
  (status: number, body = '', contentType = 'application/json'): Handler =>
  (_req, res) => {
    res.writeHead(status, body ? { 'content-type': contentType } : {});
    res.end(body);
  };

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

export function useFakeInflux(): FakeInflux {
  let server: Server;
  const sockets = new Set<Socket>();
  const repositories: InfluxRepository[] = [];
  const fake: FakeInflux = {
    baseUrl: '',
    seen: [],
    handler: answer(204),
    repository(options = {}) {
      const repo = new InfluxRepository({ url: fake.baseUrl, database: 'hv', timeoutMs: 500, ...options });
      repositories.push(repo);
      return repo;
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        fake.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        fake.handler(req, res, body);
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const repo of repositories.splice(0)) repo.close();
    fake.seen.length = 0;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  return fake;
}
