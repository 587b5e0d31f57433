// Entry point of the api process: `node api/server.ts` with SLUICE_RDI_URL, SLUICE_API_HOST,
// SLUICE_API_PORT, SLUICE_JWT_SECRET (or _FILE) and SLUICE_TOKEN_TTL_SECONDS. The only file
// that listens; closes the app and the RDI connection on SIGINT/SIGTERM.

import { Redis } from 'ioredis';
import { isSluiceError } from '../common/errors.ts';
import { connectRdi } from '../common/rdi-connect.ts';
import { rdiTlsOptions } from '../common/rdi-tls.ts';
import { jsonLogger, systemClock } from '../processor/ports.ts';
import { buildApp } from './app.ts';
import { rdiAuthenticator } from './auth/rdi-authenticator.ts';
import { connectionTester } from './net/test-connections.ts';
import { serverConfigFromEnv } from './server-config.ts';

const logger = jsonLogger('api');
const VERSION = '0.1.0';

async function main(): Promise<void> {
  const config = serverConfigFromEnv(process.env);
  if (config.generatedSecret) {
    logger.warn('No SLUICE_JWT_SECRET set: using a random one; tokens end when this process does.');
  }
  const url = new URL(config.rdiUrl);
  const tls = config.rdiTls === undefined ? undefined : rdiTlsOptions(config.rdiTls);
  const rdi = new Redis(config.rdiUrl, {
    maxRetriesPerRequest: 2,
    lazyConnect: true,
    ...(tls === undefined ? {} : { tls }),
  });
  rdi.on('error', (error: Error) => {
    logger.warn('RDI database connection error.', { error: error.message });
  });
  // A TLS set-up that cannot work stops the API with its reason; an unreachable database does
  // not (requests answer 503 until it is back).
  await connectRdi(rdi, config.rdiUrl).catch((error: unknown) => {
    if (isSluiceError(error) && error.code === 'RDI_DB_TLS') throw error;
    logger.warn('RDI database not reachable yet.', { error: String(error) });
  });
  const app = await buildApp({
    rdi,
    authenticate: rdiAuthenticator({
      host: url.hostname,
      port: Number(url.port || 6379),
      ...(tls === undefined ? {} : { tls }),
    }),
    clock: systemClock,
    logger,
    token: { secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds },
    testConnections: connectionTester(3_000),
    version: VERSION,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info('API listening.', { address, docs: `${address}/docs` });
  const stop = (): void => {
    logger.info('Stopping the API.');
    void app
      .close()
      .then(() => rdi.quit())
      .catch((error: unknown) => {
        logger.error('Unclean shutdown.', { error: String(error) });
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  logger.error(isSluiceError(error) ? `${error.code}: ${error.message}` : String(error));
  process.exit(isSluiceError(error) ? 2 : 1);
});
