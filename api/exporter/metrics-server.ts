// The exporter's HTTP server: GET /metrics serves the registry in Prometheus' text format;
// anything else is 404. Listening and closing are explicit and idempotent.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../../processor/ports.ts';

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenMetrics(opts: {
  registry: Registry;
  host: string;
  port: number;
  logger: Logger;
}): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    opts.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': opts.registry.contentType }).end(text);
      },
      (error: unknown) => {
        opts.logger.warn('Collecting metrics failed.', { error: String(error) });
        response.writeHead(500, { 'content-type': 'text/plain' }).end('collect failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      })),
  };
}
