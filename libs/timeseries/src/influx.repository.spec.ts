/**
 * InfluxRepository's HTTP handling against a throwaway node:http server standing in for
 * InfluxDB: which answers become InfluxUnavailableError (spool and retry) and which
 * InfluxRejectedError (quarantine), and what goes on the wire. The real server is exercised
 * by test/integration/timeseries.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encode } from '@msgpack/msgpack';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InfluxOptions } from './influx.options';
import { InfluxRepository } from './influx.repository';
import { InfluxRejectedError, InfluxUnavailableError } from './timeseries.errors';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
let seen: Seen[] = [];
const sockets = new Set<Socket>();
const repositories: InfluxRepository[] = [];

const answer =
  (status: number, body = '', contentType = 'application/json'): Handler =>
  (_req, res) => {
    res.writeHead(status, body ? { 'content-type': contentType } : {});
    res.end(body);
  };

function repository(options: Partial<InfluxOptions> = {}): InfluxRepository {
  const repo = new InfluxRepository({ url: baseUrl, database: 'hv', timeoutMs: 500, ...options });
  repositories.push(repo);
  return repo;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const repo of repositories.splice(0)) repo.close();
  seen = [];
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('write', () => {
  it('POSTs the body to /write with db and precision=ms, and resolves on 204', async () => {
    handler = answer(204);
    await repository().write('m v=1 1000\n');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/write?db=hv&precision=ms', body: 'm v=1 1000\n' });
    expect(seen[0]!.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('m v=1 1000\n')));
  });

  it('counts content-length in UTF-8 bytes, so accented and emoji lines arrive whole', async () => {
    handler = answer(204);
    const body = 'éclairage,lieu=Saint-Étienne note="😀" 1000\n';
    await repository().write(body);
    expect(seen[0]!.body).toBe(body);
  });

  it('sends the retention policy, Basic credentials and keeps a path prefix of the URL', async () => {
    handler = answer(204);
    await repository({ url: `${baseUrl}/influx/`, retentionPolicy: 'one year', username: 'hv', password: 's3cr:t' }).write('m v=1 1\n');
    expect(seen[0]!.url).toBe('/influx/write?db=hv&precision=ms&rp=one+year');
    expect(seen[0]!.headers.authorization).toBe('Basic ' + Buffer.from('hv:s3cr:t').toString('base64'));
  });

  it('sends no Authorization header without credentials', async () => {
    handler = answer(204);
    await repository().write('m v=1 1\n');
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('writePoints serialises the points, and writes nothing for an empty list', async () => {
    handler = answer(204);
    const repo = repository();
    await repo.writePoints([]);
    expect(seen).toHaveLength(0);
    await repo.writePoints([{ measurement: 'm', tags: { device: 'a b' }, fields: { v: 1.5 }, timestampMs: 7 }]);
    expect(seen[0]!.body).toBe('m,device=a\\ b v=1.5 7\n');
  });
});

describe('write: answers mapped to errors', () => {
  const unavailable: Array<[number, string]> = [
    [408, ''],
    [429, '{"error":"too many requests"}'],
    [500, '{"error":"timeout"}'],
    [500, '{"error":"engine: cache-max-memory-size exceeded: (1073741824/1048576000)"}'],
    [502, '<html>Bad Gateway</html>'],
    [503, ''],
  ];
  it.each(unavailable)('%i %s → InfluxUnavailableError (retry later)', async (status, body) => {
    handler = answer(status, body);
    const error = await rejection(repository().write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as InfluxUnavailableError).status).toBe(status);
    expect((error as InfluxUnavailableError).retryable).toBe(true);
  });

  const rejected: Array<[number, string, { message: string; partial: boolean; dropped: number | undefined }]> = [
    [400, `{"error":"unable to parse 'm v=x 1': invalid number"}`, { message: "unable to parse 'm v=x 1': invalid number", partial: false, dropped: undefined }],
    [
      400,
      '{"error":"partial write: field type conflict: input field \\"v\\" on measurement \\"m\\" is type string, already exists as type float dropped=2"}',
      {
        message: 'partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=2',
        partial: true,
        dropped: 2,
      },
    ],
    [
      400,
      `{"error":"partial write: unable to parse 'm,t=x,t=y v=1 2': duplicate tags dropped=0"}`,
      { message: "partial write: unable to parse 'm,t=x,t=y v=1 2': duplicate tags dropped=0", partial: true, dropped: 0 },
    ],
    [404, '{"error":"database not found: \\"hv\\""}', { message: 'database not found: "hv"', partial: false, dropped: undefined }],
    [413, '{"error":"Request Entity Too Large"}', { message: 'Request Entity Too Large', partial: false, dropped: undefined }],
    // InfluxDB 2.x's error shape.
    [401, '{"code":"unauthorized","message":"unauthorized access"}', { message: 'unauthorized access', partial: false, dropped: undefined }],
    [403, 'forbidden by proxy', { message: 'forbidden by proxy', partial: false, dropped: undefined }],
    // 1.x answers 500 for a missing retention policy: a configuration error, like a missing database.
    [500, '{"error":"retention policy not found: nope"}', { message: 'retention policy not found: nope', partial: false, dropped: undefined }],
  ];
  it.each(rejected)('%i %s → InfluxRejectedError', async (status, body, expected) => {
    handler = answer(status, body);
    const error = await rejection(repository().write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxRejectedError);
    expect(error).toMatchObject({ status, retryable: false, ...expected });
  });

  it('keeps error messages to a few kB but still reads dropped=N from the end of a long one', async () => {
    const long = `partial write: ${'unable to parse line; '.repeat(1_000)} dropped=5000`;
    handler = answer(400, JSON.stringify({ error: long }));
    const error = (await rejection(repository().write('m v=1 1\n'))) as InfluxRejectedError;
    expect(error.message.length).toBeLessThan(4_100);
    expect(error).toMatchObject({ partial: true, dropped: 5000 });
  });
});

describe('write: no answer', () => {
  it('times out with InfluxUnavailableError when the server never answers', async () => {
    handler = () => {}; // never answers
    const started = Date.now();
    const error = await rejection(repository({ timeoutMs: 200 }).write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as Error).message).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('maps a connection the server drops to InfluxUnavailableError', async () => {
    handler = (req) => req.socket.destroy();
    const error = await rejection(repository().write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as InfluxUnavailableError).status).toBeUndefined();
  });

  it('maps an answer cut off midway to InfluxUnavailableError', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"results":[');
      setTimeout(() => req.socket.destroy(), 20);
    };
    const error = await rejection(repository().query('SELECT * FROM m'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
  });

  it('maps a closed port to InfluxUnavailableError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await rejection(repository({ url: `http://127.0.0.1:${port}` }).write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('retries once on a new socket when a kept-alive socket was closed by the server', async () => {
    const requestsPerSocket = new Map<Socket, number>();
    handler = (req, res) => {
      const n = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, n);
      // A proxy that closed the idle connection: the second request on it gets a reset.
      if (n === 2) req.socket.destroy();
      else answer(204)(req, res, '');
    };
    const repo = repository();
    await repo.write('m v=1 1\n');
    await repo.write('m v=1 2\n');
    expect(seen.map((s) => s.body)).toEqual(['m v=1 1\n', 'm v=1 2\n', 'm v=1 2\n']);
    expect(requestsPerSocket.size).toBe(2);
  });

  it('refuses to write after close() with InfluxUnavailableError, without a request', async () => {
    handler = answer(204);
    const repo = repository();
    repo.close();
    await expect(repo.write('m v=1 1\n')).rejects.toBeInstanceOf(InfluxUnavailableError);
    expect(seen).toHaveLength(0);
  });
});

describe('query as MessagePack', () => {
  const response = { results: [{ statement_id: 0, series: [{ name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power'], values: [[1000, 1.5], [2000, null]] }] }] };
  /** Answers MessagePack to a request that accepts it, JSON otherwise. */
  const both =
    (status: number, body: unknown): Handler =>
    (req, res) => {
      const msgpack = req.headers.accept === 'application/x-msgpack';
      res.writeHead(status, { 'content-type': msgpack ? 'application/x-msgpack' : 'application/json' });
      res.end(msgpack ? Buffer.from(encode(body)) : JSON.stringify(body));
    };

  it('asks for MessagePack and reads the same series as from JSON', async () => {
    handler = both(200, response);
    const result = await repository().query('SELECT * FROM lamp');
    expect(seen[0]!.headers.accept).toBe('application/x-msgpack');
    expect(result.series).toEqual([{ name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power'], rows: [{ time: 1000, power: 1.5 }, { time: 2000, power: null }] }]);
    expect(await repository().queryColumns('SELECT * FROM lamp')).toEqual([[{ name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power'], values: [[1000, 1.5], [2000, null]] }]]);
  });

  it('asks again as JSON when the answer does not decode (a tag named __proto__), and keeps that tag as data', async () => {
    const tags = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    handler = both(200, { results: [{ statement_id: 0, series: [{ name: 'lamp', tags, columns: ['time'], values: [[1000]] }] }] });
    const result = await repository().query('SELECT * FROM lamp GROUP BY *');
    expect(seen.map((s) => s.headers.accept)).toEqual(['application/x-msgpack', undefined]);
    expect(Object.getOwnPropertyDescriptor(result.series[0]!.tags, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(result.series[0]!.tags)).toBe(Object.prototype);
  });

  it('reads the error of a MessagePack answer: a 400 rejected, a 500 unavailable', async () => {
    handler = both(400, { error: 'error parsing query: found SELEC' });
    const rejected = await rejection(repository().query('SELEC 1'));
    expect(rejected).toBeInstanceOf(InfluxRejectedError);
    expect((rejected as Error).message).toBe('error parsing query: found SELEC');
    handler = both(500, { error: 'engine broke' });
    const unavailable = await rejection(repository().query('SELECT 1'));
    expect(unavailable).toBeInstanceOf(InfluxUnavailableError);
    expect((unavailable as Error).message).toBe('InfluxDB answered 500: engine broke');
  });

  it('reads a statement error from a MessagePack answer', async () => {
    handler = both(200, { results: [{ statement_id: 0, error: 'database not found: nope' }] });
    expect(((await rejection(repository().query('SELECT 1'))) as Error).message).toBe('statement 0: database not found: nope');
  });

  it('asks database statements as JSON', async () => {
    handler = both(200, { results: [{ statement_id: 0 }] });
    await repository().createDatabase();
    expect(seen[0]!.headers.accept).toBeUndefined();
  });
});

describe('query', () => {
  const response = {
    results: [
      {
        statement_id: 0,
        series: [
          { name: 'lamp', tags: { device: 'a' }, columns: ['time', 'power', '__proto__'], values: [[1000, 1.5, 'x'], [2000, null, 'y']] },
          { name: 'lamp', tags: { device: 'b' }, columns: ['time', 'power', '__proto__'], values: [[1000, 3, null]] },
        ],
      },
    ],
  };

  it('POSTs q, db, epoch=ms and bound params as a form, and flattens series into rows', async () => {
    handler = answer(200, JSON.stringify(response));
    const result = await repository().query('SELECT * FROM lamp WHERE device = $d GROUP BY *', { d: 'a', n: 2, b: true });
    const form = new URLSearchParams(seen[0]!.body);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/query' });
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(form)).toEqual({
      q: 'SELECT * FROM lamp WHERE device = $d GROUP BY *',
      db: 'hv',
      epoch: 'ms',
      params: '{"d":"a","n":2,"b":true}',
    });
    expect(result.series).toEqual([
      {
        name: 'lamp',
        tags: { device: 'a' },
        columns: ['time', 'power', '__proto__'],
        rows: [
          { time: 1000, power: 1.5, ['__proto__']: 'x' },
          { time: 2000, power: null, ['__proto__']: 'y' },
        ],
      },
      { name: 'lamp', tags: { device: 'b' }, columns: ['time', 'power', '__proto__'], rows: [{ time: 1000, power: 3, ['__proto__']: null }] },
    ]);
    // A column named __proto__ is data, not the row's prototype.
    expect(Object.getPrototypeOf(result.series[0]!.rows[0])).toBe(Object.prototype);
  });

  it('gives no series for a statement without data', async () => {
    handler = answer(200, '{"results":[{"statement_id":0}]}');
    expect(await repository().query('SELECT * FROM nothing')).toEqual({ series: [] });
  });

  it('returns one result per statement with queryMulti', async () => {
    handler = answer(200, JSON.stringify({ results: [{ statement_id: 0 }, response.results[0]] }));
    const results = await repository().queryMulti('SELECT * FROM a; SELECT * FROM lamp');
    expect(results).toHaveLength(2);
    expect(results[0]!.series).toEqual([]);
    expect(results[1]!.series).toHaveLength(2);
  });

  it('turns a statement error into InfluxRejectedError', async () => {
    handler = answer(200, '{"results":[{"statement_id":0},{"statement_id":1,"error":"database not found: nope"}]}');
    const error = await rejection(repository().queryMulti('SELECT 1; SELECT 2'));
    expect(error).toBeInstanceOf(InfluxRejectedError);
    expect((error as Error).message).toBe('statement 1: database not found: nope');
  });

  it('turns a syntax error (400) into InfluxRejectedError', async () => {
    handler = answer(400, '{"error":"error parsing query: found SELEC, expected SELECT at line 1, char 1"}');
    const error = await rejection(repository().query('SELEC 1'));
    expect(error).toBeInstanceOf(InfluxRejectedError);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/^error parsing query/) });
  });

  it('turns a 2xx that is not JSON (a proxy page) into InfluxUnavailableError', async () => {
    handler = answer(200, '<html>maintenance</html>', 'text/html');
    await expect(repository().query('SELECT 1')).rejects.toBeInstanceOf(InfluxUnavailableError);
  });

  it('turns a 503 into InfluxUnavailableError', async () => {
    handler = answer(503, '');
    await expect(repository().query('SELECT 1')).rejects.toBeInstanceOf(InfluxUnavailableError);
  });
});

describe('ping', () => {
  it.each([204, 200])('resolves on %i (1.x/2.x answer 204, 3.x 200)', async (status) => {
    handler = answer(status);
    await expect(repository().ping()).resolves.toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/ping' });
  });

  it.each([404, 500, 503])('throws InfluxUnavailableError on %i, never a rejection', async (status) => {
    handler = answer(status);
    const error = await rejection(repository().ping());
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as InfluxUnavailableError).status).toBe(status);
  });

  it('gives up after its own short timeout', async () => {
    handler = () => {};
    const started = Date.now();
    await expect(repository({ timeoutMs: 10_000 }).ping(100)).rejects.toBeInstanceOf(InfluxUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('createDatabase / dropDatabase', () => {
  it('sends CREATE / DROP DATABASE with a quoted name and no db parameter', async () => {
    handler = answer(200, '{"results":[{"statement_id":0}]}');
    const repo = repository({ database: 'hv "prod"' });
    await repo.createDatabase();
    await repo.dropDatabase('other\\db');
    expect(seen.map((s) => Object.fromEntries(new URLSearchParams(s.body)))).toEqual([
      { q: 'CREATE DATABASE "hv \\"prod\\""' },
      { q: 'DROP DATABASE "other\\\\db"' },
    ]);
  });

  it('turns a statement error into InfluxRejectedError', async () => {
    handler = answer(200, '{"results":[{"statement_id":0,"error":"unable to create database: forbidden"}]}');
    await expect(repository().createDatabase()).rejects.toBeInstanceOf(InfluxRejectedError);
  });
});
