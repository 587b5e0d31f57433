// The Kubernetes objects of one launch of the collector or the processor, built from the
// prepared pipeline and the runtime settings. Pure: no API calls, no clock (the launch id is
// given). The Deployment's selector leaves the launch id out, so a new launch (a restart, a new
// term or revision) rolls the pod; the pods carry it so the runtime follows only its own.

import { createHash } from 'node:crypto';
import type { KubernetesSettings } from './kubernetes-settings.ts';

export type Component = 'collector' | 'processor';
export type Manifest = Record<string, unknown> & {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
};

export const LABEL_PIPELINE = 'sluice.io/pipeline';
export const LABEL_LAUNCH = 'sluice.io/launch';
const LABEL_COMPONENT = 'app.kubernetes.io/component';
/** Where the processor's pod finds config.yaml and jobs/. */
export const PIPELINE_DIR = '/etc/sluice/pipeline';
const MAX_NAME = 63;

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

/** `<prefix>-<pipeline>-<component>`, shortened with a hash when it would pass 63 characters. */
export function workloadName(
  settings: KubernetesSettings,
  pipeline: string,
  component: Component,
): string {
  const name = `${settings.namePrefix}-${pipeline}-${component}`.toLowerCase();
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME - component.length - 10)}-${hash}-${component}`;
}

export function selectorLabels(
  settings: KubernetesSettings,
  pipeline: string,
  component: Component,
): Record<string, string> {
  return { ...settings.labels, [LABEL_COMPONENT]: component, [LABEL_PIPELINE]: pipeline };
}

/** A label selector string for the pods of one component (all launches). */
export function podSelector(
  settings: KubernetesSettings,
  pipeline: string,
  component: Component,
  launch?: string,
): string {
  const labels = { ...selectorLabels(settings, pipeline, component) };
  if (launch !== undefined) labels[LABEL_LAUNCH] = launch;
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

function metadata(
  settings: KubernetesSettings,
  name: string,
  labels: Record<string, string>,
  owner: OwnerReference | undefined,
): Manifest['metadata'] & Record<string, unknown> {
  return {
    name,
    namespace: settings.namespace,
    labels,
    ...(owner === undefined
      ? {}
      : {
          ownerReferences: [
            { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid },
          ],
        }),
  };
}

export interface WorkloadInput {
  readonly settings: KubernetesSettings;
  readonly pipeline: string;
  readonly component: Component;
  /** Changes with each launch: rolls the pod. */
  readonly launch: string;
  readonly owner: OwnerReference | undefined;
  /** ConfigMap data: file name → text. */
  readonly files: Readonly<Record<string, string>>;
  /** Secret data, given to the container as environment variables. */
  readonly secretEnv: Readonly<Record<string, string>>;
}

export interface CollectorInput extends WorkloadInput {
  readonly component: 'collector';
  /** DEBEZIUM_OPTS: heap and JVM flags (application.properties is in `files`). */
  readonly javaOptions: string;
}

export interface ProcessorInput extends WorkloadInput {
  readonly component: 'processor';
  readonly args: readonly string[];
  readonly nodeOptions: string;
  /** Job name → ConfigMap key, for files under jobs/. */
  readonly jobKeys: Readonly<Record<string, string>>;
}

/** The ConfigMap, the Secret and the Deployment (and for the collector, its Service). */
export function workloadManifests(input: CollectorInput | ProcessorInput): Manifest[] {
  const { settings, pipeline, component, owner } = input;
  const name = workloadName(settings, pipeline, component);
  const selector = selectorLabels(settings, pipeline, component);
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(settings, name, selector, owner),
    data: { ...input.files },
  };
  const secret: Manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(settings, name, selector, owner),
    type: 'Opaque',
    // `data`, not `stringData`: server-side apply then also drops keys a launch no longer has.
    data: Object.fromEntries(
      Object.entries(input.secretEnv).map(([key, value]) => [
        key,
        Buffer.from(value, 'utf8').toString('base64'),
      ]),
    ),
  };
  // A changed file or secret rolls the pod even when the launch id did not change.
  const checksum = createHash('sha256')
    .update(JSON.stringify([input.files, input.secretEnv]))
    .digest('hex')
    .slice(0, 16);
  const pod =
    input.component === 'collector' ? collectorPod(input, name) : processorPod(input, name);
  const deployment: Manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(settings, name, selector, owner),
    spec: {
      replicas: 1,
      // Never two collectors (one replication slot) nor two processors of one term at once.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...selector, [LABEL_LAUNCH]: input.launch },
          annotations: { 'sluice.io/checksum': checksum },
        },
        spec: {
          ...(settings.imagePullSecrets.length === 0
            ? {}
            : { imagePullSecrets: settings.imagePullSecrets }),
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: settings.podSecurityContext,
          ...pod,
        },
      },
    },
  };
  const manifests = [configMap, secret, deployment];
  if (input.component === 'collector') {
    manifests.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(settings, name, selector, owner),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'health', port: settings.collector.healthPort, targetPort: 'health' },
          { name: 'metrics', port: settings.collector.metricsPort, targetPort: 'metrics' },
        ],
      },
    });
  }
  return manifests;
}

const TMP_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } };
const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };

function collectorPod(input: CollectorInput, name: string): Record<string, unknown> {
  const { settings } = input;
  const collector = settings.collector;
  return {
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: 'collector',
        image: collector.image,
        imagePullPolicy: collector.pullPolicy,
        // Debezium's run.sh: it starts the JMX exporter agent on JMX_EXPORTER_PORT (0.0.0.0).
        workingDir: collector.debeziumDir,
        args: ['./run.sh'],
        env: [
          { name: 'DEBEZIUM_OPTS', value: input.javaOptions },
          { name: 'JMX_EXPORTER_PORT', value: String(collector.metricsPort) },
        ],
        envFrom: [{ secretRef: { name } }],
        ports: [
          { name: 'health', containerPort: collector.healthPort },
          { name: 'metrics', containerPort: collector.metricsPort },
        ],
        readinessProbe: {
          httpGet: { path: '/q/health/ready', port: 'health' },
          periodSeconds: 5,
        },
        livenessProbe: {
          httpGet: { path: '/q/health/live', port: 'health' },
          initialDelaySeconds: 60,
          periodSeconds: 10,
          failureThreshold: 6,
        },
        resources: collector.resources,
        securityContext: settings.securityContext,
        volumeMounts: [
          TMP_MOUNT,
          {
            name: 'config',
            mountPath: `${collector.debeziumDir}/config/application.properties`,
            subPath: 'application.properties',
            readOnly: true,
          },
        ],
      },
    ],
    volumes: [TMP_VOLUME, { name: 'config', configMap: { name } }],
  };
}

function processorPod(input: ProcessorInput, name: string): Record<string, unknown> {
  const { settings } = input;
  const ca = settings.rdiCaSecret;
  const items = [
    { key: 'config.yaml', path: 'config.yaml' },
    ...Object.entries(input.jobKeys).map(([job, key]) => ({ key, path: `jobs/${job}.yaml` })),
  ];
  return {
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: 'processor',
        image: settings.processor.image,
        imagePullPolicy: settings.processor.pullPolicy,
        args: ['processor', ...input.args],
        env: [
          { name: 'NODE_OPTIONS', value: input.nodeOptions },
          ...(ca === ''
            ? []
            : [{ name: 'NODE_EXTRA_CA_CERTS', value: '/etc/sluice/rdi-ca/ca.crt' }]),
        ],
        envFrom: [{ secretRef: { name } }],
        resources: settings.processor.resources,
        securityContext: settings.securityContext,
        volumeMounts: [
          TMP_MOUNT,
          { name: 'pipeline', mountPath: PIPELINE_DIR, readOnly: true },
          ...(ca === ''
            ? []
            : [{ name: 'rdi-ca', mountPath: '/etc/sluice/rdi-ca', readOnly: true }]),
        ],
      },
    ],
    volumes: [
      TMP_VOLUME,
      { name: 'pipeline', configMap: { name, items } },
      ...(ca === ''
        ? []
        : [
            {
              name: 'rdi-ca',
              secret: { secretName: ca, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
            },
          ]),
    ],
  };
}
