import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the run's Azurite that counts the
 * storage requests made through it: "storage requests per turn" measured at
 * the wire, whatever the code above does (retries, paging, batches).
 */
export interface CountingProxy {
  /** The connection string that routes table requests through the proxy. */
  connectionString: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startCountingProxy(connectionString: string): Promise<CountingProxy> {
  const endpoint = /TableEndpoint=(http:\/\/[^;]+)/.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('the connection string names no http TableEndpoint');
  const target = new URL(endpoint);
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const proxied = new URL(endpoint);
  proxied.port = String(port);
  proxied.hostname = '127.0.0.1';
  return {
    connectionString: connectionString.replace(endpoint, proxied.toString().replace(/\/$/, '')),
    requests: () => count,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
