// The Helm chart without a cluster: `helm lint --strict` and `helm template` of each value set
// in helm/sluice/ci through `kubeconform -strict` (schemas generated offline from the
// Kubernetes OpenAPI document), plus what the rendered objects must say: hardened pods, the
// operator pair, the secrets the user chose, the dashboards of monitoring/grafana/dashboards.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument,
   @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return,
   @typescript-eslint/no-non-null-assertion --
   rendered manifests are untyped YAML: a wrong path reads undefined and fails its assertion */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand, runCommandRaw } from '../debezium-config/launch-run-command.ts';
import { schemaLocation } from '../harness/kube-schemas.ts';
import { kubeSchemaDir, kubeTool } from '../harness/kube-tools.ts';

const ROOT = join(import.meta.dirname, '..');
const CHART = join(ROOT, 'helm', 'sluice');
const VALUE_SETS = ['defaults', 'ingress-tls', 'existing-secrets', 'monitoring'] as const;
// Prometheus Operator kinds: no schema in the Kubernetes document (the install test sends
// them to a real API server with their CRDs).
const CRD_KINDS = 'ServiceMonitor,PodMonitor';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const valuesFile = (set: string): string => join(CHART, 'ci', `${set}-values.yaml`);

async function helm(args: readonly string[]): Promise<string> {
  return (await runCommand(kubeTool('helm'), args, { env: helmEnv() })).stdout;
}

function helmEnv(): NodeJS.ProcessEnv {
  return { ...process.env, HELM_CACHE_HOME: join(tmpdir(), 'sluice-helm-cache') };
}

async function render(args: readonly string[]): Promise<{ text: string; objects: Obj[] }> {
  const text = await helm(['template', 'rel', CHART, '--namespace', 'sluice', ...args]);
  const objects = parseAllDocuments(text)
    .map((doc) => doc.toJSON() as Obj | null)
    .filter((obj): obj is Obj => obj !== null);
  return { text, objects };
}

async function kubeconform(manifests: string): Promise<{ code: number | null; out: string }> {
  const result = await runCommandRaw(
    kubeTool('kubeconform'),
    [
      ...['-strict', '-summary', '-output', 'text', '-skip', CRD_KINDS],
      ...['-schema-location', schemaLocation(kubeSchemaDir())],
      '-',
    ],
    { input: manifests },
  );
  return { code: result.code, out: result.stdout + result.stderr };
}

const byKind = (objects: readonly Obj[], kind: string): Obj[] =>
  objects.filter((o) => o.kind === kind);

describe('helm/sluice', () => {
  beforeAll(() => {
    kubeTool('helm');
    kubeTool('kubeconform');
  });

  it.each(VALUE_SETS)('passes helm lint --strict with the %s values', async (set) => {
    const out = await helm(['lint', '--strict', CHART, '-f', valuesFile(set)]);
    expect(out).toContain('0 chart(s) failed');
  });

  it.each(VALUE_SETS)('renders valid Kubernetes objects with the %s values', async (set) => {
    const { text, objects } = await render(['-f', valuesFile(set)]);
    const result = await kubeconform(text);
    expect(result.out).toMatch(/Invalid: 0, Errors: 0/);
    expect(result.code).toBe(0);
    const skipped = objects.filter((o) => CRD_KINDS.split(',').includes(o.kind as string));
    expect(result.out).toContain(`Skipped: ${skipped.length}`);
    expect(result.out).toContain(`Valid: ${objects.length - skipped.length}`);
  });

  it('kubeconform rejects an unknown field and a wrong type (its schemas are strict)', async () => {
    const { objects } = await render(['-f', valuesFile('defaults')]);
    const deployment = structuredClone(byKind(objects, 'Deployment')[0]!);
    deployment.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    deployment.spec.replicas = 'two';
    const result = await kubeconform(JSON.stringify(deployment));
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(/imagePullPolicyy|additional properties/i);
    expect(result.out).toMatch(/replicas/);
  });

  it('rejects values that values.schema.json does not allow', async () => {
    const cases: [string, RegExp][] = [
      ['operator.replicas=0', /replicas/],
      ['rdi.port=70000', /port/],
      ['operator.antiAffinity=sometimes', /antiAffinity/],
      ['api.replica=2', /replica/],
      ['jwt.secret=short', /secret/],
      ['rdi.password=has@and:', /password/],
    ];
    for (const [value, message] of cases) {
      const result = await runCommandRaw(
        kubeTool('helm'),
        ['template', 'rel', CHART, '-f', valuesFile('defaults'), '--set', value],
        { env: helmEnv() },
      );
      expect(result.code, value).not.toBe(0);
      expect(result.stderr, value).toMatch(message);
    }
    const noHost = await runCommandRaw(kubeTool('helm'), ['template', 'rel', CHART], {
      env: helmEnv(),
    });
    expect(noHost.code).not.toBe(0);
    expect(noHost.stderr).toMatch(/rdi/);
  });

  it('hardens every pod and container', async () => {
    for (const set of VALUE_SETS) {
      const { objects } = await render(['-f', valuesFile(set)]);
      const deployments = byKind(objects, 'Deployment');
      expect(deployments.map((d) => d.metadata.name as string).sort()).toEqual([
        'rel-sluice-api',
        'rel-sluice-exporter',
        'rel-sluice-operator',
      ]);
      for (const deployment of deployments) {
        const pod = deployment.spec.template.spec as Obj;
        expect(pod.securityContext.runAsNonRoot, deployment.metadata.name).toBe(true);
        for (const container of pod.containers as Obj[]) {
          const where = `${set} ${deployment.metadata.name as string}`;
          expect(container.securityContext, where).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(container.resources.limits.memory, where).toBeDefined();
          expect(container.resources.requests.cpu, where).toBeDefined();
          expect(container.readinessProbe, where).toBeDefined();
          expect(container.livenessProbe, where).toBeDefined();
          // The read-only root needs a writable /tmp.
          expect(
            container.volumeMounts.map((m: Obj) => m.mountPath),
            where,
          ).toContain('/tmp');
        }
      }
    }
  });

  it('runs two operators apart, kept by a disruption budget, with only their own token', async () => {
    const { objects } = await render(['-f', valuesFile('monitoring')]);
    const operator = byKind(objects, 'Deployment').find(
      (d) => d.metadata.name === 'rel-sluice-operator',
    )!;
    expect(operator.spec.replicas).toBe(2);
    const anti = operator.spec.template.spec.affinity.podAntiAffinity as Obj;
    expect(anti.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      'kubernetes.io/hostname',
    );
    const pdb = byKind(objects, 'PodDisruptionBudget')[0]!;
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(operator.spec.selector.matchLabels);
    expect(operator.spec.template.spec.serviceAccountName).toBe('rel-sluice-operator');
    for (const d of byKind(objects, 'Deployment')) {
      const token = d.spec.template.spec.automountServiceAccountToken as boolean;
      expect(token, d.metadata.name).toBe(d.metadata.name === 'rel-sluice-operator');
    }
    // Everything lands in the namespace the chart creates.
    expect(byKind(objects, 'Namespace').map((n) => n.metadata.name)).toEqual(['sluice-monitored']);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe('sluice-monitored');
    }
    expect(byKind(objects, 'ServiceMonitor')[0]!.metadata.labels.release).toBe('prometheus');
    expect(
      byKind(objects, 'PodMonitor')[0]!.spec.selector.matchLabels['app.kubernetes.io/component'],
    ).toBe('collector');
  });

  it('creates the secrets it is given, and refers to existing ones instead when told', async () => {
    const own = await render(['-f', valuesFile('ingress-tls')]);
    const secrets = byKind(own.objects, 'Secret').map((s) => s.metadata.name as string);
    expect(secrets.sort()).toEqual(['rel-sluice-jwt', 'rel-sluice-rdi', 'rel-sluice-rdi-ca']);
    const generated = byKind(own.objects, 'Secret').find(
      (s) => s.metadata.name === 'rel-sluice-jwt',
    )!;
    expect((generated.stringData['jwt-secret'] as string).length).toBeGreaterThanOrEqual(32);
    const ingress = byKind(own.objects, 'Ingress')[0]!;
    expect(ingress.spec.tls).toEqual([
      { hosts: ['sluice.example.com'], secretName: 'sluice-api-tls' },
    ]);

    const theirs = await render(['-f', valuesFile('existing-secrets')]);
    expect(byKind(theirs.objects, 'Secret')).toEqual([]);
    const api = byKind(theirs.objects, 'Deployment').find(
      (d) => d.metadata.name === 'rel-sluice-api',
    )!;
    const env = api.spec.template.spec.containers[0].env as Obj[];
    const secretOf = (name: string): string | undefined =>
      env.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.name as string | undefined;
    expect(secretOf('SLUICE_RDI_PASSWORD')).toBe('my-rdi-credentials');
    const volumes = api.spec.template.spec.volumes as Obj[];
    expect(volumes.find((v) => v.name === 'jwt')?.secret.secretName).toBe('my-jwt');
    expect(volumes.find((v) => v.name === 'rdi-ca')?.secret.secretName).toBe('my-rdi-ca');
    expect(env.find((e) => e.name === 'SLUICE_RDI_URL')?.value).toMatch(
      /^\$\(SLUICE_RDI_SCHEME\):\/\//,
    );
  });

  it('makes the Ingress TLS Secret from a certificate and key given as values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-chart-tls-'));
    const crt = join(dir, 'tls.crt');
    const key = join(dir, 'tls.key');
    await runCommand('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
      ...['-keyout', key, '-out', crt, '-subj', '/CN=sluice.example.com'],
    ]);
    const { text, objects } = await render([
      '-f',
      valuesFile('ingress-tls'),
      '--set',
      'ingress.tls.secretName=',
      '--set-file',
      `ingress.tls.crt=${crt}`,
      '--set-file',
      `ingress.tls.key=${key}`,
    ]);
    const tls = byKind(objects, 'Secret').find((s) => s.type === 'kubernetes.io/tls')!;
    expect(Buffer.from(tls.data['tls.crt'] as string, 'base64').toString()).toBe(
      await readFile(crt, 'utf8'),
    );
    expect(byKind(objects, 'Ingress')[0]!.spec.tls[0].secretName).toBe(tls.metadata.name);
    expect((await kubeconform(text)).code).toBe(0);
  });

  it('ships each Grafana dashboard of monitoring/grafana/dashboards as a sidecar ConfigMap', async () => {
    const dashboardsDir = join(ROOT, 'monitoring', 'grafana', 'dashboards');
    const files = (await readdir(dashboardsDir)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThan(0);
    const { objects } = await render(['-f', valuesFile('monitoring')]);
    const maps = byKind(objects, 'ConfigMap').filter(
      (c) => c.metadata.labels.grafana_dashboard === '1',
    );
    const shipped = maps.flatMap((c) => Object.keys(c.data as Obj)).sort();
    expect(shipped).toEqual(files);
    for (const map of maps) {
      for (const [file, text] of Object.entries(map.data as Record<string, string>)) {
        expect(text, file).toBe((await readFile(join(dashboardsDir, file), 'utf8')).trimEnd());
        expect(map.metadata.annotations.grafana_folder).toBe('Sluice');
      }
    }
    const off = await render([
      '-f',
      valuesFile('defaults'),
      '--set',
      'monitoring.dashboards.enabled=false',
    ]);
    expect(
      byKind(off.objects, 'ConfigMap').filter((c) => c.metadata.labels.grafana_dashboard),
    ).toEqual([]);
  });

  it('gives the operator runtime settings that its Kubernetes runtime accepts', async () => {
    const { kubernetesSettings } = await import('../api/operator/kubernetes-settings.ts');
    const { objects } = await render(['-f', valuesFile('existing-secrets')]);
    const map = byKind(objects, 'ConfigMap').find(
      (c) => c.metadata.name === 'rel-sluice-operator',
    )!;
    const settings = kubernetesSettings(
      JSON.parse(map.data['runtime.json'] as string),
      'runtime.json',
    );
    expect(settings.namespace).toBe('sluice');
    expect(settings.owner).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'rel-sluice-operator',
    });
    expect(settings.rdiCaSecret).toBe('my-rdi-ca');
    expect(settings.imagePullSecrets).toEqual([{ name: 'my-registry' }]);
    expect(settings.collector.image).toBe('sluice-collector:0.1.0');
  });

  it('documents every value in helm/sluice/README.md', async () => {
    const readme = await readFile(join(CHART, 'README.md'), 'utf8');
    const leaves = (value: unknown, prefix: string): string[] =>
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0 &&
      !prefix.endsWith('resources') &&
      !prefix.endsWith('SecurityContext') &&
      prefix !== 'securityContext'
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`))
        : [prefix];
    const { parse } = await import('yaml');
    const values = parse(await readFile(join(CHART, 'values.yaml'), 'utf8')) as unknown;
    const missing = leaves(values, '').filter((path) => !readme.includes(`\`${path}\``));
    expect(missing).toEqual([]);
  });
});
