// Test certificates made by `openssl` in a folder of the test: a certificate authority, a
// server certificate for 127.0.0.1 and localhost, and a client certificate, all signed by that
// authority. Short-lived (2 days) and never written outside the given folder.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Paths of PEM files. */
export interface TlsCertificates {
  readonly dir: string;
  /** The authority's certificate (what clients trust). */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** Makes a CA in `dir` and a server and a client certificate signed by it. */
export async function makeTlsCertificates(
  dir: string,
  name = 'Sluice test CA',
): Promise<TlsCertificates> {
  await mkdir(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileAsync('openssl', args, { cwd: dir });
  await openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-subj', `/CN=${name}`, '-keyout', 'ca.key', '-out', 'ca.pem'],
  );
  for (const who of ['server', 'client']) {
    await openssl(
      ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who}`],
      ...['-keyout', `${who}.key`, '-out', `${who}.csr`],
    );
    // Clients verify the server's name: the harness connects to 127.0.0.1.
    await writeFile(join(dir, `${who}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    await openssl(
      ...['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key'],
      ...['-CAcreateserial', '-days', '2', '-extfile', `${who}.ext`, '-out', `${who}.pem`],
    );
  }
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
  };
}
