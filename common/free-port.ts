// Finds a free TCP port on 127.0.0.1 for a server that tests or the operator start, so that
// the machine's default ports are never used and several instances can run side by side.
import { createServer } from 'node:net';

// The well-known ports of a machine's own services are never handed out, whatever the OS says.
const RESERVED = new Set([3306, 5432, 6379, 8080]);
// Ports already handed out by this process: the OS may offer a port again before its server
// has bound it.
const handedOut = new Set<number>();

/** A port that was free a moment ago and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await portFromOs();
    if (!RESERVED.has(port) && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free TCP port found after 50 attempts');
}

function portFromOs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('listening socket has no port'));
      });
    });
  });
}
