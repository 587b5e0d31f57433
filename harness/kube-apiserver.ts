// A real Kubernetes control plane without nodes: etcd and kube-apiserver on free loopback
// ports, with their data, an openssl-made CA, the server's certificate, an admin client
// certificate (group system:masters) and the ServiceAccount signing keys in a temporary
// folder. RBAC is on, so permissions are checked as in a cluster. No controller-manager and no
// kubelet: Deployments create no pods and nothing is garbage-collected; tests look at what the
// API server stores. Both processes join the test's ProcessRegistry, which stops them even
// when the test failed.

import { request } from 'node:https';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../common/free-port.ts';
import { runCommand } from '../debezium-config/launch-run-command.ts';
import { kubeTool } from './kube-tools.ts';
import type { ProcessRegistry } from './process-registry.ts';
import { startServerProcess } from './server-process.ts';

export interface KubeApiServer {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  /** A kubeconfig of the cluster admin (system:masters). */
  readonly kubeconfig: string;
  readonly caFile: string;
  /** Runs kubectl as the admin; resolves with stdout, rejects on a non-zero exit. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
}

export async function startKubeApiServer(opts: {
  readonly dir: string;
  readonly registry: ProcessRegistry;
}): Promise<KubeApiServer> {
  const { dir, registry } = opts;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pki = await makePki(dir);
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];

  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  await startServerProcess({
    registry,
    spawn: {
      name: `etcd:${etcdClient}`,
      command: kubeTool('etcd'),
      args: [
        ...['--name', 'sluice-test', '--data-dir', join(dir, 'etcd')],
        ...['--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl],
        ...['--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`],
        ...['--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`],
        ...['--initial-cluster', `sluice-test=http://127.0.0.1:${etcdPeer}`],
        ...['--listen-metrics-urls', '', '--log-level', 'warn'],
      ],
      logFile: join(dir, 'etcd.log'),
    },
    isReady: async () => (await fetch(`${etcdUrl}/health`)).ok,
  });

  const url = `https://127.0.0.1:${apiPort}`;
  await startServerProcess({
    registry,
    readyTimeoutMs: 120_000,
    spawn: {
      name: `kube-apiserver:${apiPort}`,
      command: kubeTool('kube-apiserver'),
      args: [
        ...[
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiPort}`,
        ],
        `--etcd-servers=${etcdUrl}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        '--authorization-mode=Node,RBAC',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${pki.saPublic}`,
        `--service-account-signing-key-file=${pki.saPrivate}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--endpoint-reconciler-type=none',
        '--allow-privileged=false',
        '--profiling=false',
        '--enable-priority-and-fairness=false',
      ],
      logFile: join(dir, 'kube-apiserver.log'),
    },
    isReady: () => adminGet(url, '/readyz', pki).then((body) => body.trim() === 'ok'),
  });

  const kubeconfig = join(dir, 'admin.kubeconfig');
  await writeFile(kubeconfig, adminKubeconfig(url, pki), { mode: 0o600 });
  return {
    url,
    kubeconfig,
    caFile: pki.caCert,
    kubectl: async (args, input) =>
      (
        await runCommand(kubeTool('kubectl'), ['--kubeconfig', kubeconfig, ...args], {
          env: { ...process.env, HOME: dir },
          ...(input === undefined ? {} : { input }),
        })
      ).stdout,
  };
}

interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly saPrivate: string;
  readonly saPublic: string;
}

/** A one-day CA and what it signs, all made with openssl in `dir`. */
async function makePki(dir: string): Promise<Pki> {
  const file = (name: string): string => join(dir, name);
  const pki: Pki = {
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    serverCert: file('apiserver.crt'),
    serverKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    saPrivate: file('sa.key'),
    saPublic: file('sa.pub'),
  };
  const key = ['-newkey', 'rsa:2048', '-nodes', '-days', '1'];
  await runCommand('openssl', [
    ...['req', '-x509', ...key, '-keyout', pki.caKey, '-out', pki.caCert],
    ...['-subj', '/CN=sluice-test-ca', '-addext', 'basicConstraints=critical,CA:TRUE'],
    ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  const signed = (cert: string, keyFile: string, subject: string, extra: string[]): string[] => [
    ...['req', '-x509', ...key, '-keyout', keyFile, '-out', cert, '-subj', subject],
    ...['-CA', pki.caCert, '-CAkey', pki.caKey, ...extra],
  ];
  await runCommand(
    'openssl',
    signed(pki.serverCert, pki.serverKey, '/CN=kube-apiserver', [
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc'],
      ...['-addext', 'extendedKeyUsage=serverAuth'],
    ]),
  );
  await runCommand(
    'openssl',
    signed(pki.adminCert, pki.adminKey, '/O=system:masters/CN=sluice-test-admin', [
      ...['-addext', 'extendedKeyUsage=clientAuth'],
    ]),
  );
  await runCommand('openssl', ['genrsa', '-out', pki.saPrivate, '2048']);
  await runCommand('openssl', ['rsa', '-in', pki.saPrivate, '-pubout', '-out', pki.saPublic]);
  return pki;
}

function adminKubeconfig(url: string, pki: Pki): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: url, 'certificate-authority': pki.caCert } }],
    users: [
      {
        name: 'admin',
        user: { 'client-certificate': pki.adminCert, 'client-key': pki.adminKey },
      },
    ],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
    'current-context': 'test',
  });
}

/** GET as the admin over the server's TLS; the body, or a rejection. */
async function adminGet(url: string, path: string, pki: Pki): Promise<string> {
  const [ca, cert, key] = await Promise.all(
    [pki.caCert, pki.adminCert, pki.adminKey].map((file) => readFile(file)),
  );
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { ca, cert, key, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode === 200) resolve(body);
        else reject(new Error(`${path}: HTTP ${res.statusCode ?? 0}: ${body.slice(0, 300)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
