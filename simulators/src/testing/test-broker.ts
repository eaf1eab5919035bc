import { Aedes } from 'aedes';
import { createServer } from 'node:net';

/** A bare in-process aedes broker on a free loopback port, for the simulators' own specs. */
export async function startTestBroker(configure: (broker: Aedes) => void = () => undefined): Promise<{ broker: Aedes; url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  configure(broker);
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    broker,
    url,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
