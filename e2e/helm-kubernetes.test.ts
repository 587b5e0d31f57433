// The chart and the operator's Kubernetes runtime against a real kube-apiserver + etcd (no
// kubelet, no controllers: the tests look at what the API server stores, and play the node
// where a pod must exist). In order: helm install of every value set; RBAC of the operator's
// ServiceAccount (what its runtime needs is allowed, nothing else); the operator, running as
// that ServiceAccount with the chart's runtime.json, turning a deployed pipeline into
// workloads and following it through crash, backpressure, new revision, stop and delete;
// helm upgrade; helm uninstall.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument,
   @typescript-eslint/no-unsafe-assignment --
   API objects read back as JSON are untyped: a wrong path reads undefined and fails its assertion */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDesiredState } from '../api/store/control-store.ts';
import { deletePipeline, savePipeline } from '../api/store/pipeline-store.ts';
import { setSecret } from '../api/store/secret-store.ts';
import { freePort } from '../common/free-port.ts';
import { runCommand, runCommandRaw } from '../debezium-config/launch-run-command.ts';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube-apiserver.ts';
import { kubeTool } from '../harness/kube-tools.ts';
import { pipelineConfigText } from '../harness/pipeline.ts';
import { startRedis, type RedisInstance } from '../harness/redis.ts';
import { startServerProcess } from '../harness/server-process.ts';
import { useTestContext } from '../harness/test-context.ts';
import { waitFor } from '../harness/wait-for.ts';
import { BACKPRESSURE_KEY } from '../pipeline/redis-keys.ts';
import { component, readStatus } from './support/operator-process.ts';

const ROOT = join(import.meta.dirname, '..');
const CHART = join(ROOT, 'helm', 'sluice');
const NS = 'sluice-test';
const RELEASE = 'sluice';
const FULL = 'sluice'; // release "sluice" of chart "sluice": the full name is the release's
const SA = `${FULL}-operator`;
const PIPELINE = 'default';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const ctx = useTestContext();
let kube: KubeApiServer;

beforeAll(async () => {
  kube = await startKubeApiServer({ dir: join(ctx.dir, 'kube'), registry: ctx.registry });
});

async function helm(args: readonly string[]): Promise<string> {
  const home = join(ctx.dir, 'helm-home');
  return (
    await runCommand(kubeTool('helm'), ['--kubeconfig', kube.kubeconfig, ...args], {
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_DATA_HOME: join(home, 'data'),
      },
    })
  ).stdout;
}

async function get(kind: string, name: string, ns = NS): Promise<Obj | undefined> {
  const result = await runCommandRaw(kubeTool('kubectl'), [
    ...['--kubeconfig', kube.kubeconfig, '-n', ns, 'get', kind, name, '-o', 'json'],
  ]);
  if (result.code !== 0) {
    if (/NotFound|not found/.test(result.stderr)) return undefined;
    throw new Error(result.stderr);
  }
  return JSON.parse(result.stdout) as Obj;
}

async function list(kinds: string, selector: string, ns = NS): Promise<string[]> {
  const out = await kube.kubectl(['-n', ns, 'get', kinds, '-l', selector, '-o', 'json']);
  return (JSON.parse(out).items as Obj[])
    .map((o) => `${o.kind as string}/${o.metadata.name as string}`)
    .sort();
}

/** `kubectl auth can-i` as the operator's ServiceAccount: true for yes. */
async function operatorCan(
  verb: string,
  resource: string,
  ns: string | undefined,
): Promise<boolean> {
  const result = await runCommandRaw(kubeTool('kubectl'), [
    ...['--kubeconfig', kube.kubeconfig, 'auth', 'can-i', verb, resource],
    ...(ns === undefined ? ['--all-namespaces'] : ['-n', ns]),
    `--as=system:serviceaccount:${NS}:${SA}`,
  ]);
  if (result.code !== 0 && result.stdout.trim() !== 'no') throw new Error(result.stderr);
  return result.stdout.trim() === 'yes';
}

const values = (set: string): string => join(CHART, 'ci', `${set}-values.yaml`);

describe('helm install on a real API server', () => {
  it('installs each value set (server-side validation) and uninstalls it without a trace', async () => {
    await kube.kubectl(['apply', '-f', '-'], prometheusOperatorCrds());
    for (const set of ['ingress-tls', 'existing-secrets', 'monitoring']) {
      const ns = `values-${set}`;
      await helm(['install', `r-${set}`, CHART, '-n', ns, '--create-namespace', '-f', values(set)]);
      const target = set === 'monitoring' ? 'sluice-monitored' : ns;
      const selector = `app.kubernetes.io/instance=r-${set}`;
      const objects = await list(
        'deploy,svc,cm,secret,sa,role,rolebinding,pdb,ingress',
        selector,
        target,
      );
      expect(objects, set).toContain(`Deployment/r-${set}-sluice-operator`);
      if (set === 'ingress-tls') expect(objects).toContain(`Ingress/r-${set}-sluice-api`);
      if (set === 'existing-secrets')
        expect(objects.filter((o) => o.startsWith('Secret/'))).toEqual([]);
      if (set === 'monitoring') {
        expect(await list('servicemonitors,podmonitors', selector, target)).toEqual([
          `PodMonitor/r-${set}-sluice-collector`,
          `ServiceMonitor/r-${set}-sluice-exporter`,
        ]);
        expect(objects.filter((o) => o.includes('dashboard')).length).toBeGreaterThan(0);
      }
      await helm(['uninstall', `r-${set}`, '-n', ns]);
      expect(
        await list('all,cm,secret,sa,role,rolebinding,pdb,ingress', selector, target),
        set,
      ).toEqual([]);
      if (set === 'monitoring') {
        // The chart's namespace is deleted (no namespace controller here to finish it).
        const namespace = await get('namespace', target, 'default');
        expect(namespace === undefined || namespace.status.phase === 'Terminating').toBe(true);
      }
    }
  });

  it('installs the defaults with the operator pair, its Role and the RDI settings', async () => {
    await helm([
      'install',
      RELEASE,
      CHART,
      '-n',
      NS,
      '--create-namespace',
      '-f',
      values('defaults'),
    ]);
    const objects = await list(
      'deploy,svc,cm,secret,sa,role,rolebinding,pdb',
      `app.kubernetes.io/instance=${RELEASE}`,
    );
    expect(objects).toEqual(
      expect.arrayContaining([
        `Deployment/${FULL}-api`,
        `Deployment/${FULL}-exporter`,
        `Deployment/${FULL}-operator`,
        `Service/${FULL}-api`,
        `Service/${FULL}-exporter`,
        `Service/${FULL}-operator`,
        `ConfigMap/${FULL}-rdi`,
        `ConfigMap/${FULL}-operator`,
        `Secret/${FULL}-rdi`,
        `Secret/${FULL}-jwt`,
        `ServiceAccount/${SA}`,
        `Role/${FULL}-operator`,
        `RoleBinding/${FULL}-operator`,
        `PodDisruptionBudget/${FULL}-operator`,
      ]),
    );
    const operator = await get('deployment', `${FULL}-operator`);
    expect(operator?.spec.replicas).toBe(2);
    expect((await get('configmap', `${FULL}-rdi`))?.data).toEqual({
      host: 'rdi-redis.databases.svc',
      port: '6379',
      scheme: 'redis',
      tls: 'false',
      pipeline: 'default',
    });
  });
});

describe("the operator's ServiceAccount", () => {
  const needed: [string, string][] = [
    ...['get', 'create', 'patch', 'delete'].map((verb): [string, string] => [
      verb,
      'deployments.apps',
    ]),
    ...['configmaps', 'secrets', 'services'].flatMap((resource) =>
      ['get', 'create', 'patch', 'delete'].map((verb): [string, string] => [verb, resource]),
    ),
    ['list', 'pods'],
    ['delete', 'pods'],
  ];
  it.each(needed)('may %s %s in its namespace', async (verb, resource) => {
    expect(await operatorCan(verb, resource, NS)).toBe(true);
  });

  const denied: [string, string, string | undefined][] = [
    ['get', 'secrets', 'kube-system'],
    ['get', 'secrets', 'default'],
    ['create', 'deployments.apps', 'default'],
    ['list', 'secrets', NS],
    ['watch', 'secrets', NS],
    ['update', 'roles.rbac.authorization.k8s.io', NS],
    ['create', 'rolebindings.rbac.authorization.k8s.io', NS],
    ['create', 'pods', NS],
    ['create', 'pods/exec', NS],
    ['create', 'serviceaccounts/token', NS],
    ['create', 'namespaces', undefined],
    ['create', 'clusterroles.rbac.authorization.k8s.io', undefined],
    ['create', 'clusterrolebindings.rbac.authorization.k8s.io', undefined],
    ['list', 'nodes', undefined],
    ['delete', 'deployments.apps', undefined],
  ];
  it.each(denied)('may not %s %s in %s (undefined: cluster-wide)', async (verb, resource, ns) => {
    expect(await operatorCan(verb, resource, ns)).toBe(false);
  });
});

describe("the operator's Kubernetes runtime", () => {
  let redis: RedisInstance;
  let rdi: Redis;
  const collector = `${FULL}-${PIPELINE}-collector`;
  const processor = `${FULL}-${PIPELINE}-processor`;

  beforeAll(async () => {
    redis = await startRedis({ dir: join(ctx.dir, 'rdi'), registry: ctx.registry });
    rdi = new Redis(redis.url);
  });
  afterAll(() => {
    rdi.disconnect();
  });

  const status = () => readStatus(rdi, PIPELINE);
  const deployment = (name: string) => get('deployment', name);
  const launchOf = (d: Obj | undefined): string | undefined =>
    d?.spec.template.metadata.labels['sluice.io/launch'] as string | undefined;

  it('runs a deployed pipeline as workloads and follows it to its deletion', async () => {
    // The operator, as its ServiceAccount would run in the pod, with the chart's settings.
    const token = (await kube.kubectl(['-n', NS, 'create', 'token', SA, '--duration=1h'])).trim();
    const kubeconfig = join(ctx.dir, 'operator.kubeconfig');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'c', cluster: { server: kube.url, 'certificate-authority': kube.caFile } },
        ],
        users: [{ name: 'operator', user: { token } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'operator', namespace: NS } }],
        'current-context': 'c',
      }),
    );
    const runtimeJson = join(ctx.dir, 'runtime.json');
    await writeFile(
      runtimeJson,
      (await get('configmap', `${FULL}-operator`))?.data['runtime.json'],
    );

    for (const [name, value] of Object.entries({
      SOURCE_DB_HOST: 'mariadb.databases.svc',
      SOURCE_DB_PORT: '3306',
      SOURCE_DB_USERNAME: 'debezium',
      SOURCE_DB_PASSWORD: 'source-secret',
      TARGET_DB_HOST: 'target-redis.databases.svc',
      TARGET_DB_PORT: '6379',
    })) {
      await setSecret(rdi, name, value);
    }
    const config = pipelineConfigText('mariadb', {
      sourceName: 'shop',
      database: 'shop',
      tables: ['orders'],
    });
    await savePipeline(
      rdi,
      PIPELINE,
      { config, jobs: { orders: 'source:\n  table: orders\n' } },
      { mode: 'create', now: Date.now() },
    );
    await setDesiredState(rdi, PIPELINE, 'started', 'test', Date.now());

    const healthPort = await freePort();
    const logFile = join(ctx.dir, 'operator.log');
    await startServerProcess({
      registry: ctx.registry,
      spawn: {
        name: 'operator',
        command: process.execPath,
        args: [
          join(ROOT, 'api', 'operator-main.ts'),
          ...['--rdi', redis.url, '--id', 'op-k8s', '--pipeline', PIPELINE],
          ...['--runtime', 'kubernetes', '--kubernetes-config', runtimeJson],
          ...['--lease-ms', '3000', '--tick-ms', '200', '--min-pause-ms', '1000'],
          ...['--health-port', String(healthPort), '--health-host', '127.0.0.1'],
        ],
        env: { ...process.env, KUBECONFIG: kubeconfig },
        logFile,
      },
      isReady: async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok,
    });

    // Deployed and started: both workloads, owned by the operator's Deployment.
    const owner = await deployment(`${FULL}-operator`);
    const first = await waitFor('both workloads', async () => {
      const [c, p] = [await deployment(collector), await deployment(processor)];
      return c !== undefined && p !== undefined ? { c, p } : undefined;
    });
    for (const d of [first.c, first.p]) {
      expect(d.spec.replicas).toBe(1);
      expect(d.spec.strategy.type).toBe('Recreate');
      expect(d.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'Deployment',
          name: `${FULL}-operator`,
          uid: owner?.metadata.uid,
        }),
      ]);
      const container = d.spec.template.spec.containers[0];
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
    }
    expect(first.c.spec.template.spec.containers[0].image).toBe('sluice-collector:0.1.0');
    expect(first.p.spec.template.spec.containers[0].args).toEqual(
      expect.arrayContaining(['processor', '--consumer', '--epoch']),
    );
    const properties = (await get('configmap', collector))?.data[
      'application.properties'
    ] as string;
    expect(properties).toContain('quarkus.http.host=0.0.0.0');
    expect(properties).toContain('mariadb.databases.svc');
    expect(properties).not.toContain('source-secret');
    const collectorSecret = (await get('secret', collector))?.data as Record<string, string>;
    expect(
      Object.values(collectorSecret).map((v) => Buffer.from(v, 'base64').toString()),
    ).toContain('source-secret');
    expect(Object.keys((await get('configmap', processor))?.data as Obj).sort()).toEqual([
      'config.yaml',
      'job.orders.yaml',
    ]);
    const processorEnv = (await get('secret', processor))?.data as Record<string, string>;
    expect(Buffer.from(processorEnv.SLUICE_RDI_URL ?? '', 'base64').toString()).toMatch(
      /^redis:\/\//,
    );
    expect(await get('service', collector)).toBeDefined();

    // Play the node: the collector's pod becomes Ready, the status says running.
    await kube.kubectl(['-n', NS, 'create', 'serviceaccount', 'default']).catch(() => '');
    const pod = await playPod(collector, launchOf(first.c) ?? '');
    await setPodStatus(pod, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] });
    await waitFor(
      'the collector to be running',
      async () => component(await status(), 'collector')?.state === 'running',
    );

    // The container dies: scaled to zero, its pod removed, started again after the backoff.
    await setPodStatus(pod, {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'collector',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 1,
          state: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
      ],
    });
    const relaunched = await waitFor(
      'the collector to start again with a new launch',
      async () => {
        const d = await deployment(collector);
        return d !== undefined && launchOf(d) !== launchOf(first.c) && d.spec.replicas === 1
          ? d
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(launchOf(relaunched)).toBeDefined();
    expect(await get('pod', pod)).toBeUndefined();
    expect(component(await status(), 'collector')?.restarts).toBeGreaterThanOrEqual(1);

    // Backpressure: the collector is paused (zero replicas) while the processor runs on.
    await rdi.hset(BACKPRESSURE_KEY, { reason: 'test backlog', updated_at: Date.now() });
    await waitFor(
      'the collector to be paused',
      async () => (await deployment(collector))?.spec.replicas === 0,
    );
    expect((await deployment(processor))?.spec.replicas).toBe(1);
    await rdi.del(BACKPRESSURE_KEY);
    await waitFor(
      'the collector to resume',
      async () => (await deployment(collector))?.spec.replicas === 1,
      { timeoutMs: 60_000 },
    );

    // Scaled down behind its back (a deposed leader's late kill, a person): started again.
    const scaledBefore = launchOf(await deployment(processor));
    await kube.kubectl(['-n', NS, 'scale', 'deployment', processor, '--replicas=0']);
    await waitFor(
      'the processor to be started again',
      async () => {
        const d = await deployment(processor);
        return d?.spec.replicas === 1 && launchOf(d) !== scaledBefore;
      },
      { timeoutMs: 60_000 },
    );

    // A new revision: new files, new pods.
    const processorBefore = launchOf(await deployment(processor));
    await savePipeline(
      rdi,
      PIPELINE,
      {
        config,
        jobs: { orders: 'source:\n  table: orders\n', customers: 'source:\n  table: customers\n' },
      },
      { mode: 'replace', now: Date.now() },
    );
    await waitFor(
      'the processor to get the new revision',
      async () => {
        const data = (await get('configmap', processor))?.data as Obj | undefined;
        const d = await deployment(processor);
        return (
          data?.['job.customers.yaml'] !== undefined &&
          d?.spec.replicas === 1 &&
          launchOf(d) !== processorBefore
        );
      },
      { timeoutMs: 60_000 },
    );

    // Stop: both scaled to zero, nothing deleted.
    await setDesiredState(rdi, PIPELINE, 'stopped', 'test', Date.now());
    await waitFor(
      'both workloads to scale to zero',
      async () =>
        (await deployment(collector))?.spec.replicas === 0 &&
        (await deployment(processor))?.spec.replicas === 0,
      { timeoutMs: 60_000 },
    );
    expect(await get('configmap', processor)).toBeDefined();

    // Delete: every object of the pipeline is gone.
    await deletePipeline(rdi, PIPELINE);
    await waitFor(
      'the workloads to be removed',
      async () => {
        for (const name of [collector, processor]) {
          for (const kind of ['deployment', 'configmap', 'secret'])
            if ((await get(kind, name)) !== undefined) return false;
        }
        return (await get('service', collector)) === undefined;
      },
      { timeoutMs: 60_000 },
    );
  });

  /** A pod as the ReplicaSet controller would create it for the Deployment's template. */
  async function playPod(deploymentName: string, launch: string): Promise<string> {
    const d = await deployment(deploymentName);
    const name = `${deploymentName}-played`;
    await kube.kubectl(
      ['-n', NS, 'apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: NS,
          labels: { ...d?.spec.template.metadata.labels, 'sluice.io/launch': launch },
        },
        spec: { ...d?.spec.template.spec },
      }),
    );
    return name;
  }

  async function setPodStatus(name: string, podStatus: Obj): Promise<void> {
    await kube.kubectl([
      '-n',
      NS,
      'patch',
      'pod',
      name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: podStatus }),
    ]);
  }
});

describe('helm upgrade and uninstall', () => {
  it('upgrades in place, keeping the generated token secret', async () => {
    const secretBefore = (await get('secret', `${FULL}-jwt`))?.data['jwt-secret'];
    const generation = (await get('deployment', `${FULL}-operator`))?.metadata.generation as number;
    await helm([
      'upgrade',
      RELEASE,
      CHART,
      '-n',
      NS,
      '-f',
      values('defaults'),
      '--set',
      'operator.leaseMs=20000',
      '--set',
      'ingress.enabled=true',
      '--set',
      'ingress.tls.enabled=true',
      '--set',
      'ingress.tls.secretName=api-tls',
    ]);
    const operator = await get('deployment', `${FULL}-operator`);
    expect(operator?.metadata.generation).toBeGreaterThan(generation);
    expect(operator?.spec.template.spec.containers[0].args).toContain('--lease-ms=20000');
    expect((await get('ingress', `${FULL}-api`))?.spec.tls[0].secretName).toBe('api-tls');
    expect((await get('secret', `${FULL}-jwt`))?.data['jwt-secret']).toBe(secretBefore);
    expect(await helm(['history', RELEASE, '-n', NS])).toMatch(/2\s+.*deployed/);
  });

  it('uninstalls everything it installed', async () => {
    await helm(['uninstall', RELEASE, '-n', NS]);
    expect(
      await list(
        'all,cm,secret,sa,role,rolebinding,pdb,ingress',
        `app.kubernetes.io/instance=${RELEASE}`,
      ),
    ).toEqual([]);
  });
});

/** Just enough of the Prometheus Operator's CRDs for the API server to store the two kinds. */
function prometheusOperatorCrds(): string {
  const crd = (kind: string, plural: string): Obj => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.monitoring.coreos.com` },
    spec: {
      group: 'monitoring.coreos.com',
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      ],
    },
  });
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [crd('ServiceMonitor', 'servicemonitors'), crd('PodMonitor', 'podmonitors')],
  });
}
