// The Kubernetes runtime's pure parts: object names, the manifests of a launch, and how a
// launch's pods are read (ready, ended).
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  LABEL_LAUNCH,
  podSelector,
  workloadManifests,
  workloadName,
} from './kubernetes-manifests.ts';
import { podsFailure, podsReady } from './kubernetes-runtime.ts';
import { kubernetesSettings, type KubernetesSettings } from './kubernetes-settings.ts';

const settings: KubernetesSettings = kubernetesSettings(
  {
    namespace: 'sluice',
    namePrefix: 'rel-sluice',
    owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rel-sluice-operator' },
    labels: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/instance': 'rel' },
    imagePullSecrets: [],
    podSecurityContext: { runAsNonRoot: true },
    securityContext: { readOnlyRootFilesystem: true },
    rdiCaSecret: '',
    collector: {
      image: 'sluice-collector:1',
      pullPolicy: 'IfNotPresent',
      heap: '512m',
      debeziumDir: '/opt/debezium-server',
      healthPort: 8080,
      metricsPort: 9404,
      resources: {},
    },
    processor: { image: 'sluice:1', pullPolicy: 'IfNotPresent', resources: {} },
  },
  'test',
);
const owner = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  name: 'rel-sluice-operator',
  uid: 'u-1',
};

function collector(launch: string, properties: string) {
  return workloadManifests({
    settings,
    pipeline: 'default',
    component: 'collector',
    launch,
    owner,
    files: { 'application.properties': properties },
    secretEnv: { SLUICE_SOURCE_DB_PASSWORD: 'pw' },
    javaOptions: '-Xmx512m',
  });
}

type Json = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], value);

describe('workloadName', () => {
  it('joins prefix, pipeline and component, and shortens what would pass 63 characters', () => {
    expect(workloadName(settings, 'default', 'processor')).toBe('rel-sluice-default-processor');
    const long = workloadName(settings, 'p'.repeat(50), 'collector');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/-[0-9a-f]{8}-collector$/);
    expect(workloadName(settings, 'p'.repeat(50), 'collector')).toBe(long);
    expect(workloadName(settings, `${'p'.repeat(49)}q`, 'collector')).not.toBe(long);
  });
});

describe('workloadManifests', () => {
  it('puts credentials in the Secret only, and rolls the pod on a new launch but keeps the selector', () => {
    const [configMap, secret, deployment, service] = collector('a-1', 'x=1\n');
    expect([configMap?.kind, secret?.kind, deployment?.kind, service?.kind]).toEqual([
      'ConfigMap',
      'Secret',
      'Deployment',
      'Service',
    ]);
    expect(JSON.stringify(configMap)).not.toContain('pw');
    expect(at(secret, 'data', 'SLUICE_SOURCE_DB_PASSWORD')).toBe(
      Buffer.from('pw').toString('base64'),
    );
    for (const manifest of [configMap, secret, deployment, service]) {
      expect(at(manifest, 'metadata', 'ownerReferences')).toEqual([owner]);
    }
    const selector = at(deployment, 'spec', 'selector', 'matchLabels') as Json;
    expect(selector[LABEL_LAUNCH]).toBeUndefined();
    expect(at(deployment, 'spec', 'template', 'metadata', 'labels', LABEL_LAUNCH)).toBe('a-1');
    const next = collector('a-2', 'x=1\n')[2];
    expect(at(next, 'spec', 'selector')).toEqual(at(deployment, 'spec', 'selector'));
    const checksum = (d: unknown): unknown =>
      at(d, 'spec', 'template', 'metadata', 'annotations', 'sluice.io/checksum');
    expect(checksum(next)).toBe(checksum(deployment));
    expect(checksum(collector('a-2', 'x=2\n')[2])).not.toBe(checksum(deployment));
  });

  it('selects the pods of one launch, or of all launches', () => {
    expect(podSelector(settings, 'default', 'processor', 'l-9')).toBe(
      'app.kubernetes.io/name=sluice,app.kubernetes.io/instance=rel,app.kubernetes.io/component=processor,sluice.io/pipeline=default,sluice.io/launch=l-9',
    );
    expect(podSelector(settings, 'default', 'processor')).not.toContain('launch');
  });
});

describe('reading pods', () => {
  // Pods as the API returns them: plain JSON, not the client's classes.
  const pod = (status: object, deleting = false): V1Pod =>
    JSON.parse(
      JSON.stringify({
        metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
        status,
      }),
    ) as V1Pod;
  const container = (extra: object) => ({
    name: 'c',
    image: 'i',
    imageID: '',
    ready: false,
    restartCount: 0,
    ...extra,
  });

  it('sees a terminated or restarted container, or a Failed pod, as the end of the launch', () => {
    expect(
      podsFailure([
        pod({ containerStatuses: [container({ state: { terminated: { exitCode: 137 } } })] }),
      ]),
    ).toEqual({
      code: 137,
      signal: null,
    });
    expect(podsFailure([pod({ containerStatuses: [container({ restartCount: 2 })] })])).toEqual({
      code: null,
      signal: null,
    });
    expect(podsFailure([pod({ phase: 'Failed' })])).toBeDefined();
    expect(
      podsFailure([
        pod({ phase: 'Running', containerStatuses: [container({ state: { running: {} } })] }),
      ]),
    ).toBeUndefined();
    expect(podsFailure([pod({ phase: 'Failed' }, true)])).toBeUndefined();
    expect(podsFailure([])).toBeUndefined();
  });

  it('is ready once one pod of the launch is Ready', () => {
    expect(podsReady([pod({ conditions: [{ type: 'Ready', status: 'True' }] })])).toBe(true);
    expect(podsReady([pod({ conditions: [{ type: 'Ready', status: 'False' }] })])).toBe(false);
    expect(podsReady([pod({ conditions: [{ type: 'Ready', status: 'True' }] }, true)])).toBe(false);
    expect(podsReady([])).toBe(false);
  });
});
