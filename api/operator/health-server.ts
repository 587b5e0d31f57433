// The operator's health endpoint for Kubernetes probes: /healthz answers 200 while the
// operator runs, /readyz 200 while it also reaches the RDI database (leader or standby alike).
// Nothing else is served; it listens only when --health-port is given.

import { createServer, type Server } from 'node:http';

export interface HealthChecks {
  readonly alive: () => boolean;
  readonly ready: () => boolean;
}

export async function listenHealth(
  host: string,
  port: number,
  checks: HealthChecks,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    const check =
      path === '/healthz' ? checks.alive : path === '/readyz' ? checks.ready : undefined;
    if (check === undefined) {
      response.writeHead(404).end();
      return;
    }
    const ok = check();
    response
      .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
      .end(ok ? 'ok\n' : 'not ok\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
