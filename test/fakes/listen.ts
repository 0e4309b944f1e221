import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// The plumbing every fake HTTP endpoint shares: listen on loopback (port 0 by default), know the
// address it got, and close promptly even with keep-alive connections open (the AWS SDK keeps
// them), so a test's teardown never waits for idle sockets to time out.

export interface ListeningFake {
  server: http.Server;
  address: AddressInfo;
  /** `http://host:port`, with IPv6 hosts in brackets. */
  url: string;
  close(): Promise<void>;
}

export async function listenFake(handler: http.RequestListener, opts: { port?: number; host?: string } = {}): Promise<ListeningFake> {
  const sockets = new Set<Socket>();
  const server = http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    address,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
