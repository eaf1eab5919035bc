import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from './database';

/** A TCP server that accepts PostgreSQL connections and cuts them at once (a crashing server). */
async function cuttingServer(): Promise<{ url: string; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, server };
}

describe('Database without a reachable server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('rejects ping and queries instead of crashing the process', async () => {
    const cut = await cuttingServer();
    server = cut.server;
    const db = new Database(cut.url, { max: 2 });
    try {
      await expect(db.ping()).rejects.toThrow();
      await expect(db.query('SELECT 1')).rejects.toThrow();
      await expect(db.tx(async (tx) => tx.query('SELECT 1'))).rejects.toThrow();
    } finally {
      await db.close();
    }
  });

  it('closes more than once without error', async () => {
    const db = new Database('postgres://postgres@127.0.0.1:1/postgres');
    await db.close();
    await expect(db.close()).resolves.toBeUndefined();
  });
});
