/**
 * A host that can go down and come back on the same address: a TCP relay on a fixed loopback port in
 * front of a fake Ollama. Down, it drops every connection (open ones too), as a host whose server died.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface SwitchableHost {
  url: string;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function switchableHost(target: string): Promise<SwitchableHost> {
  const { hostname, port } = new URL(target);
  let isUp = true;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    if (!isUp) return void client.destroy();
    const upstream = connect({ host: hostname, port: Number(port) });
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    down() {
      isUp = false;
      for (const socket of open) socket.destroy();
    },
    up() {
      isUp = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
