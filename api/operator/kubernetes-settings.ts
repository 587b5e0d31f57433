// What the Kubernetes runtime creates and how, read once at start from the JSON file that the
// Helm chart renders (templates/operator.yaml, runtime.json): namespace, name prefix, owner,
// images, resources and security contexts of the collector's and processor's pods.

import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SluiceError } from '../../common/errors.ts';

const Json = Type.Record(Type.String(), Type.Unknown());
const Resources = Type.Object({
  requests: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  limits: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
});
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const PullPolicy = Type.Union([
  Type.Literal('Always'),
  Type.Literal('IfNotPresent'),
  Type.Literal('Never'),
]);

export const KubernetesSettingsSchema = Type.Object({
  namespace: Type.String({ minLength: 1 }),
  /** Start of every object's name, e.g. the release's full name. */
  namePrefix: Type.String({ minLength: 1, maxLength: 40 }),
  /** The operator's Deployment: every object gets it as owner, so uninstalling removes them. */
  owner: Type.Union([
    Type.Object({ apiVersion: Type.String(), kind: Type.String(), name: Type.String() }),
    Type.Null(),
  ]),
  /** Labels of the release, put on every object. */
  labels: Type.Record(Type.String(), Type.String()),
  imagePullSecrets: Type.Array(Type.Object({ name: Type.String() })),
  podSecurityContext: Json,
  securityContext: Json,
  /** Secret with key ca.crt: the RDI database's CA, for the processor (empty: none). */
  rdiCaSecret: Type.String(),
  collector: Type.Object({
    image: Type.String({ minLength: 1 }),
    pullPolicy: PullPolicy,
    heap: Type.String({ pattern: '^[0-9]+[kmgKMG]$' }),
    /** Debezium Server's folder in the collector image (run.sh, config/, lib/). */
    debeziumDir: Type.String({ pattern: '^/' }),
    healthPort: Port,
    metricsPort: Port,
    resources: Resources,
  }),
  processor: Type.Object({
    image: Type.String({ minLength: 1 }),
    pullPolicy: PullPolicy,
    resources: Resources,
  }),
});

export type KubernetesSettings = Static<typeof KubernetesSettingsSchema>;

/** Checks and freezes parsed settings; a SluiceError lists every problem. */
export function kubernetesSettings(value: unknown, source: string): KubernetesSettings {
  if (!Value.Check(KubernetesSettingsSchema, value)) {
    const problems = [...Value.Errors(KubernetesSettingsSchema, value)]
      .slice(0, 10)
      .map((error) => `${error.path || '/'}: ${error.message}`);
    throw new SluiceError('CONFIG_INVALID', `${source}: ${problems.join('; ')}`, { path: source });
  }
  return Object.freeze(value);
}

export async function readKubernetesSettings(file: string): Promise<KubernetesSettings> {
  return kubernetesSettings(JSON.parse(await readFile(file, 'utf8')) as unknown, file);
}
