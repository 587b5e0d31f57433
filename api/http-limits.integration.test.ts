// The HTTP server against clients that hold resources without paying: small body limits
// where bodies are small, slow requests cut off, a refused body not read to its end, and
// 405/414 answered in the api's error format. Over real sockets where sockets matter.
import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApiFixture } from './testing/api-fixture.ts';

const api = useApiFixture({
  httpLimits: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 100 },
});
let port = 0;

beforeAll(async () => {
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const address = api.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent once it closed the connection. */
function closedByServer(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  return new Promise((resolve) => {
    socket.once('close', () => {
      resolve(received);
    });
  });
}

describe('HTTP limits', () => {
  it('refuses a login body above its small limit with 413', async () => {
    const response = await api.call({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: 'u', password: 'x'.repeat(4000), padding: 'y'.repeat(64 * 1024) },
      token: false,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'REQUEST_TOO_LARGE' });
  });

  it('closes a connection whose headers never finish', async () => {
    const socket = await open();
    const closed = closedByServer(socket);
    socket.write('GET /api/v2/info HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const received = await closed;
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('closes a connection whose body trickles in slower than the request timeout', async () => {
    const socket = await open();
    const closed = closedByServer(socket);
    socket.write(
      'POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, 50);
    await closed;
    clearInterval(timer);
  });

  it('answers 401 to an unauthenticated huge body and closes instead of reading it all', async () => {
    const socket = await open();
    const closed = closedByServer(socket);
    socket.on('error', () => undefined);
    socket.write(
      'POST /api/v2/pipelines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${String(500 * 1024 * 1024)}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const limit = 64 * 1024 * 1024;
    let sent = 0;
    // Sends until the server closes; a server that drains refused bodies would take it all.
    while (!socket.destroyed && sent < limit) {
      if (!socket.write(chunk)) {
        await new Promise((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      }
      sent += chunk.length;
    }
    expect(sent).toBeLessThan(limit);
    const received = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 401/);
    expect(received.toLowerCase()).toContain('connection: close');
  });

  it('answers 405 with Allow for a method the path does not have', async () => {
    const token = await api.token();
    for (const [method, url, allow] of [
      ['DELETE', '/api/v2/secrets', 'GET, HEAD'],
      ['PATCH', '/api/v2/info', 'GET, HEAD'],
      ['GET', '/api/v2/pipelines/p/start', 'POST'],
      ['POST', '/api/v2/secrets/NAME', 'DELETE, PUT'],
    ] as const) {
      const response = await api.call({ method, url, token });
      expect(response.statusCode, `${method} ${url}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    }
    expect((await api.call({ method: 'GET', url: '/api/v2/nothing', token })).statusCode).toBe(404);
  });

  it('answers a too long path parameter with 414 in the api error format', async () => {
    // Beyond every schema's maxLength even percent-encoded (app.ts's maxParamLength).
    const response = await api.call({
      method: 'GET',
      url: `/api/v2/pipelines/${'a'.repeat(8200)}`,
    });
    expect(response.statusCode).toBe(414);
    expect(response.json()).toMatchObject({ code: 'URI_TOO_LONG', retryable: false });
  });
});
