/**
 * InfluxRepository's writes against a throwaway node:http server standing in for InfluxDB:
 * which answers become InfluxUnavailableError (spool and retry) and which
 * InfluxRejectedError (quarantine), what goes on the wire, and a server that never answers,
 * drops or closes. The real server is exercised by test/integration/timeseries.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { answer, rejection, useFakeInflux } from './testing/fake-influx';
import { InfluxRejectedError, InfluxUnavailableError } from './timeseries.errors';

const fake = useFakeInflux();

describe('write', () => {
  it('POSTs the body to /write with db and precision=ms, and resolves on 204', async () => {
    fake.handler = answer(204);
    await fake.repository().write('m v=1 1000\n');
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]).toMatchObject({ method: 'POST', url: '/write?db=hv&precision=ms', body: 'm v=1 1000\n' });
    expect(fake.seen[0]!.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(fake.seen[0]!.headers['content-length']).toBe(String(Buffer.byteLength('m v=1 1000\n')));
  });

  it('counts content-length in UTF-8 bytes, so accented and emoji lines arrive whole', async () => {
    fake.handler = answer(204);
    const body = 'éclairage,lieu=Saint-Étienne note="😀" 1000\n';
    await fake.repository().write(body);
    expect(fake.seen[0]!.body).toBe(body);
  });

  it('sends the retention policy, Basic credentials and keeps a path prefix of the URL', async () => {
    fake.handler = answer(204);
    await fake.repository({ url: `${fake.baseUrl}/influx/`, retentionPolicy: 'one year', username: 'hv', password: 's3cr:t' }).write('m v=1 1\n');
    expect(fake.seen[0]!.url).toBe('/influx/write?db=hv&precision=ms&rp=one+year');
    expect(fake.seen[0]!.headers.authorization).toBe('Basic ' + Buffer.from('hv:s3cr:t').toString('base64'));
  });

  it('sends no Authorization header without credentials', async () => {
    fake.handler = answer(204);
    await fake.repository().write('m v=1 1\n');
    expect(fake.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('writePoints serialises the points, and writes nothing for an empty list', async () => {
    fake.handler = answer(204);
    const repo = fake.repository();
    await repo.writePoints([]);
    expect(fake.seen).toHaveLength(0);
    await repo.writePoints([{ measurement: 'm', tags: { device: 'a b' }, fields: { v: 1.5 }, timestampMs: 7 }]);
    expect(fake.seen[0]!.body).toBe('m,device=a\\ b v=1.5 7\n');
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
    fake.handler = answer(status, body);
    const error = await rejection(fake.repository().write('m v=1 1\n'));
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
    fake.handler = answer(status, body);
    const error = await rejection(fake.repository().write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxRejectedError);
    expect(error).toMatchObject({ status, retryable: false, ...expected });
  });

  it('keeps error messages to a few kB but still reads dropped=N from the end of a long one', async () => {
    const long = `partial write: ${'unable to parse line; '.repeat(1_000)} dropped=5000`;
    fake.handler = answer(400, JSON.stringify({ error: long }));
    const error = (await rejection(fake.repository().write('m v=1 1\n'))) as InfluxRejectedError;
    expect(error.message.length).toBeLessThan(4_100);
    expect(error).toMatchObject({ partial: true, dropped: 5000 });
  });
});

describe('write: no answer', () => {
  it('times out with InfluxUnavailableError when the server never answers', async () => {
    fake.handler = () => {}; // never answers
    const started = Date.now();
    const error = await rejection(fake.repository({ timeoutMs: 200 }).write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as Error).message).toMatch(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('maps a connection the server drops to InfluxUnavailableError', async () => {
    fake.handler = (req) => req.socket.destroy();
    const error = await rejection(fake.repository().write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as InfluxUnavailableError).status).toBeUndefined();
  });

  it('maps an answer cut off midway to InfluxUnavailableError', async () => {
    fake.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"results":[');
      setTimeout(() => req.socket.destroy(), 20);
    };
    const error = await rejection(fake.repository().query('SELECT * FROM m'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
  });

  it('maps a closed port to InfluxUnavailableError', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await rejection(fake.repository({ url: `http://127.0.0.1:${port}` }).write('m v=1 1\n'));
    expect(error).toBeInstanceOf(InfluxUnavailableError);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('retries once on a new socket when a kept-alive socket was closed by the server', async () => {
    const requestsPerSocket = new Map<Socket, number>();
    fake.handler = (req, res) => {
      const n = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, n);
      // A proxy that closed the idle connection: the second request on it gets a reset.
      if (n === 2) req.socket.destroy();
      else answer(204)(req, res, '');
    };
    const repo = fake.repository();
    await repo.write('m v=1 1\n');
    await repo.write('m v=1 2\n');
    expect(fake.seen.map((s) => s.body)).toEqual(['m v=1 1\n', 'm v=1 2\n', 'm v=1 2\n']);
    expect(requestsPerSocket.size).toBe(2);
  });

  it('refuses to write after close() with InfluxUnavailableError, without a request', async () => {
    fake.handler = answer(204);
    const repo = fake.repository();
    repo.close();
    await expect(repo.write('m v=1 1\n')).rejects.toBeInstanceOf(InfluxUnavailableError);
    expect(fake.seen).toHaveLength(0);
  });
});
