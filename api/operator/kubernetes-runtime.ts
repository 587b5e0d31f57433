// The Kubernetes runtime: the collector and the processor as Deployments (one replica,
// Recreate) with their ConfigMap, Secret and, for the collector, a Service, all applied
// server-side in the release's namespace and owned by the operator's Deployment (uninstalling
// the chart removes them). A launch applies them with a new launch id, which rolls the pod; the
// handle follows that launch's pods: ready when one is Ready, exited when a container ended or
// restarted (the Deployment is then scaled to zero, so the operator's backoff decides when it
// starts again, not the kubelet's). Stop and the backpressure pause scale to zero; kill also
// deletes the pods at once. The Role in helm/sluice/templates/rbac.yaml allows exactly this.

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiException,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  V1ObjectMeta,
  type V1Pod,
} from '@kubernetes/client-node';
import { SluiceError } from '../../common/errors.ts';
import type { ChildExit } from '../../debezium-config/launch-child-process.ts';
import { propertyValue } from '../../debezium-config/launch-properties.ts';
import { ENV_NAMES, renderDebeziumProperties } from '../../debezium-config/render-properties.ts';
import { PROCESSOR_NODE_FLAGS } from '../../processor/node-flags.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { CollectorStart, ComponentRuntime, ProcessorStart } from './component-runtime.ts';
import {
  LABEL_LAUNCH,
  PIPELINE_DIR,
  podSelector,
  workloadManifests,
  workloadName,
  type Component,
  type Manifest,
  type OwnerReference,
} from './kubernetes-manifests.ts';
import type { KubernetesSettings } from './kubernetes-settings.ts';
import { fenceEarlierCollector } from './launch-collector.ts';
import type { ChildHandle } from './supervised-child.ts';

const FIELD_MANAGER = 'sluice-operator';
const COMPONENTS: readonly Component[] = ['collector', 'processor'];
const KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
] as const;

export interface KubernetesRuntimeOptions {
  readonly settings: KubernetesSettings;
  readonly kubeConfig: KubeConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often a launch's pods are looked at. */
  readonly pollMs: number;
  /** How long a stop waits for the pods to end before it deletes them. */
  readonly stopGraceMs: number;
  /** A collector with no Ready pod this long after its launch has failed. */
  readonly collectorReadyTimeoutMs: number;
}

export class KubernetesRuntime implements ComponentRuntime {
  readonly kind = 'kubernetes';
  readonly #opts: KubernetesRuntimeOptions;
  readonly #objects: KubernetesObjectApi;
  readonly #core: CoreV1Api;
  #owner: OwnerReference | undefined;
  #launches = 0;
  #metricsUrl: string | undefined;

  constructor(opts: KubernetesRuntimeOptions) {
    this.#opts = opts;
    this.#objects = KubernetesObjectApi.makeApiClient(opts.kubeConfig);
    this.#core = opts.kubeConfig.makeApiClient(CoreV1Api);
  }

  get collectorMetricsUrl(): string | undefined {
    return this.#metricsUrl;
  }

  async launchCollector(start: CollectorStart): Promise<ChildHandle> {
    const { settings, logger } = this.#opts;
    const { pipeline } = start;
    await fenceEarlierCollector(pipeline, logger);
    const debezium = renderDebeziumProperties(pipeline.config, pipeline.source.name, start.rdiDb, {
      httpPort: settings.collector.healthPort,
    });
    // Probes and the Service reach it from outside the pod.
    const hostLines =
      propertyValue(debezium.properties, 'quarkus.http.host') === undefined
        ? ['quarkus.http.host=0.0.0.0']
        : [];
    const { [ENV_NAMES.javaOptions]: userJavaOptions, ...secretEnv } = debezium.env;
    const launch = this.#nextLaunch();
    await this.#apply(
      workloadManifests({
        settings,
        pipeline: pipeline.name,
        component: 'collector',
        launch,
        owner: await this.#ownerReference(),
        files: {
          'application.properties': [debezium.properties.trimEnd(), ...hostLines, ''].join('\n'),
        },
        secretEnv,
        javaOptions: [
          `-Xmx${settings.collector.heap}`,
          // A JVM limping on after an OutOfMemoryError may stop capturing silently.
          '-XX:+ExitOnOutOfMemoryError',
          '--add-opens=java.base/java.lang=ALL-UNNAMED',
          ...(userJavaOptions === undefined ? [] : [userJavaOptions]),
        ].join(' '),
      }),
    );
    const name = workloadName(settings, pipeline.name, 'collector');
    this.#metricsUrl = `http://${name}.${settings.namespace}.svc:${settings.collector.metricsPort}/metrics`;
    return this.#follow(pipeline.name, 'collector', launch, this.#opts.collectorReadyTimeoutMs);
  }

  async launchProcessor(start: ProcessorStart): Promise<ChildHandle> {
    const { settings } = this.#opts;
    const { pipeline } = start;
    // One Deployment per pipeline: several instances would share its name (processor-group.ts).
    if (start.shard.count !== 1) {
      throw new SluiceError(
        'CONFIG_INVALID',
        'processors.instances above 1 is not supported by the Kubernetes runtime yet.',
      );
    }
    const files: Record<string, string> = {
      'config.yaml': await readFile(pipeline.configFile, 'utf8'),
    };
    const jobKeys: Record<string, string> = {};
    const jobsDir = join(pipeline.dir, 'jobs');
    for (const file of (await readdir(jobsDir)).sort()) {
      if (!file.endsWith('.yaml')) continue;
      const job = basename(file, '.yaml');
      jobKeys[job] = `job.${job}.yaml`;
      files[`job.${job}.yaml`] = await readFile(join(jobsDir, file), 'utf8');
    }
    const launch = this.#nextLaunch();
    await this.#apply(
      workloadManifests({
        settings,
        pipeline: pipeline.name,
        component: 'processor',
        launch,
        owner: await this.#ownerReference(),
        files,
        // The term's RDI URL holds its password: environment, never the command line.
        secretEnv: { ...pipeline.secrets, SLUICE_RDI_URL: start.rdiUrl },
        args: [
          ...['--config', `${PIPELINE_DIR}/config.yaml`],
          ...['--consumer', start.consumer, '--epoch', String(start.epoch)],
        ],
        nodeOptions: PROCESSOR_NODE_FLAGS.join(' '),
        jobKeys,
      }),
    );
    return this.#follow(pipeline.name, 'processor', launch, undefined);
  }

  async removePipeline(name: string): Promise<void> {
    const { settings, logger } = this.#opts;
    for (const component of COMPONENTS) {
      const objectName = workloadName(settings, name, component);
      for (const kind of KINDS) {
        const removed = await this.#delete(
          objectRef(kind.apiVersion, kind.kind, objectName, settings.namespace),
        );
        if (removed)
          logger.info('Removed a workload object of a deleted pipeline.', {
            kind: kind.kind,
            name: objectName,
          });
      }
    }
  }

  #nextLaunch(): string {
    this.#launches += 1;
    return `${this.#opts.clock.now().toString(36)}-${this.#launches}`;
  }

  /** The operator's Deployment as owner (its uid is looked up once). */
  async #ownerReference(): Promise<OwnerReference | undefined> {
    const owner = this.#opts.settings.owner;
    if (owner === null) return undefined;
    if (this.#owner !== undefined) return this.#owner;
    const found = await this.#objects.read({
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      metadata: { name: owner.name, namespace: this.#opts.settings.namespace },
    });
    const uid = found.metadata?.uid;
    if (uid === undefined)
      throw new SluiceError('PROCESS_FAILED', `${owner.kind} ${owner.name} has no uid`);
    this.#owner = { ...owner, uid };
    return this.#owner;
  }

  async #apply(manifests: readonly Manifest[]): Promise<void> {
    for (const manifest of manifests) {
      await this.#objects.patch(
        manifest,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    }
  }

  /** True when it existed. */
  async #delete(object: KubernetesObject): Promise<boolean> {
    try {
      await this.#objects.delete(object, undefined, undefined, undefined, undefined, 'Background');
      return true;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return false;
      throw error;
    }
  }

  #follow(
    pipeline: string,
    component: Component,
    launch: string,
    readyTimeoutMs: number | undefined,
  ): ChildHandle {
    const { settings } = this.#opts;
    return new WorkloadHandle({
      ...this.#opts,
      name: workloadName(settings, pipeline, component),
      namespace: settings.namespace,
      allPods: podSelector(settings, pipeline, component),
      launchPods: podSelector(settings, pipeline, component, launch),
      readyTimeoutMs,
      core: this.#core,
      launch,
      readDeployment: async () => {
        try {
          return await this.#objects.read({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: {
              name: workloadName(settings, pipeline, component),
              namespace: settings.namespace,
            },
          });
        } catch (error) {
          if (error instanceof ApiException && error.code === 404) return undefined;
          throw error;
        }
      },
      scaleToZero: () =>
        this.#objects.patch(
          {
            ...objectRef(
              'apps/v1',
              'Deployment',
              workloadName(settings, pipeline, component),
              settings.namespace,
            ),
            spec: { replicas: 0 },
          },
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.MergePatch,
        ),
    });
  }
}

function objectRef(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string,
): KubernetesObject {
  const metadata = new V1ObjectMeta();
  metadata.name = name;
  metadata.namespace = namespace;
  return { apiVersion, kind, metadata };
}

/** How a launch's pods ended, if one did: a terminated or restarted container, a Failed pod. */
export function podsFailure(pods: readonly V1Pod[]): ChildExit | undefined {
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp !== undefined) continue;
    for (const status of pod.status?.containerStatuses ?? []) {
      const terminated = status.state?.terminated ?? status.lastState?.terminated;
      if (terminated !== undefined) return { code: terminated.exitCode, signal: null };
      if (status.restartCount > 0) return { code: null, signal: null };
    }
    if (pod.status?.phase === 'Failed') return { code: null, signal: null };
  }
  return undefined;
}

/** One of the launch's pods is Ready. */
export function podsReady(pods: readonly V1Pod[]): boolean {
  return pods.some(
    (pod) =>
      pod.metadata?.deletionTimestamp === undefined &&
      (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

interface WorkloadHandleOptions {
  readonly name: string;
  readonly namespace: string;
  readonly allPods: string;
  readonly launchPods: string;
  readonly readyTimeoutMs: number | undefined;
  readonly core: CoreV1Api;
  readonly launch: string;
  /** The workload's Deployment; undefined when it is gone. */
  readonly readDeployment: () => Promise<KubernetesObject | undefined>;
  readonly scaleToZero: () => Promise<unknown>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollMs: number;
  readonly stopGraceMs: number;
}

/** One launch of a workload, followed through its pods. */
class WorkloadHandle implements ChildHandle {
  readonly pid = undefined;
  readonly exited: Promise<ChildExit>;
  readonly ready: Promise<void>;
  readonly #opts: WorkloadHandleOptions;
  readonly #abort = new AbortController();
  readonly #startedAt: number;
  #ending: Promise<ChildExit> | undefined;
  #endWith: (exit: ChildExit) => void = () => undefined;
  #readyWith: (error?: Error) => void = () => undefined;
  #readySettled = false;
  #listFailing = false;

  constructor(opts: WorkloadHandleOptions) {
    this.#opts = opts;
    this.#startedAt = opts.clock.now();
    this.exited = new Promise((resolve) => {
      this.#endWith = resolve;
    });
    if (opts.readyTimeoutMs === undefined) {
      this.#readySettled = true;
      this.ready = Promise.resolve();
    } else {
      this.ready = new Promise((resolve, reject) => {
        this.#readyWith = (error) => {
          if (this.#readySettled) return;
          this.#readySettled = true;
          if (error === undefined) resolve();
          else reject(error);
        };
      });
      // Nobody may await it when the launch ends first.
      this.ready.catch(() => undefined);
    }
    void this.#watch();
  }

  async #watch(): Promise<void> {
    const { clock, logger, pollMs, readyTimeoutMs, name } = this.#opts;
    while (!this.#abort.signal.aborted) {
      const elsewhere = await this.#changedElsewhere();
      if (elsewhere !== undefined && this.#ending === undefined) {
        // Deleted, scaled down or launched again by someone else (a deposed leader's late
        // kill, a person): this launch is over; the operator starts it again after the backoff.
        logger.warn(`${name}: ${elsewhere}; it will be started again.`);
        this.#abort.abort();
        this.#ending = Promise.resolve({ code: null, signal: null });
        this.#settle({ code: null, signal: null }, `${name}: ${elsewhere}`);
        return;
      }
      const pods = await this.#pods(this.#opts.launchPods);
      if (pods !== undefined && this.#ending === undefined) {
        const failure = podsFailure(pods);
        if (failure !== undefined) {
          logger.warn(`${name}: a container ended; scaling to zero until the next start.`);
          void this.#end(failure, false);
          return;
        }
        if (podsReady(pods)) this.#readyWith();
      }
      if (
        !this.#readySettled &&
        readyTimeoutMs !== undefined &&
        clock.now() - this.#startedAt >= readyTimeoutMs
      ) {
        this.#readyWith(
          new SluiceError(
            'TIMEOUT',
            `${name}: no pod was Ready ${readyTimeoutMs} ms after the launch (kubectl -n ${this.#opts.namespace} describe deployment ${name})`,
          ),
        );
      }
      await sleep(pollMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
    }
  }

  /** Why the Deployment is no longer this launch's, or undefined while it is (or unreadable). */
  async #changedElsewhere(): Promise<string | undefined> {
    let deployment: KubernetesObject | undefined;
    try {
      deployment = await this.#opts.readDeployment();
    } catch {
      return undefined; // the API is unreachable: #pods logs it
    }
    if (deployment === undefined) return 'its Deployment was deleted';
    const spec = (
      deployment as {
        spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
      }
    ).spec;
    if (spec?.replicas === 0) return 'its Deployment was scaled to zero';
    if (spec?.template?.metadata?.labels?.[LABEL_LAUNCH] !== this.#opts.launch)
      return 'its Deployment was launched again elsewhere';
    return undefined;
  }

  /** The pods matching `selector`; undefined while the API cannot be read (logged once). */
  async #pods(selector: string): Promise<V1Pod[] | undefined> {
    try {
      const list = await this.#opts.core.listNamespacedPod({
        namespace: this.#opts.namespace,
        labelSelector: selector,
      });
      this.#listFailing = false;
      return list.items;
    } catch (error) {
      if (!this.#listFailing) {
        this.#opts.logger.warn(`${this.#opts.name}: cannot list its pods; will retry.`, {
          error: String(error),
        });
      }
      this.#listFailing = true;
      return undefined;
    }
  }

  stop(): Promise<ChildExit> {
    return this.#end({ code: null, signal: 'SIGTERM' }, false);
  }

  kill(): Promise<ChildExit> {
    return this.#end({ code: null, signal: 'SIGKILL' }, true);
  }

  /**
   * Scales to zero and waits for the pods to go (deleting them at once for a kill, or after
   * the grace period). Never rejects: an API failure is logged, as a dead child would be.
   */
  #end(exit: ChildExit, kill: boolean): Promise<ChildExit> {
    if (this.#ending !== undefined && !kill) return this.#ending;
    const ending = (async () => {
      this.#abort.abort();
      const { logger, name, clock, stopGraceMs, pollMs } = this.#opts;
      try {
        await this.#opts.scaleToZero();
        const deadline = clock.now() + (kill ? 0 : stopGraceMs);
        for (;;) {
          const pods = (await this.#pods(this.#opts.allPods)) ?? [];
          if (pods.length === 0) break;
          if (clock.now() >= deadline) {
            await this.#deletePods(pods);
            break;
          }
          await sleep(pollMs);
        }
      } catch (error) {
        logger.warn(`${name}: could not scale it to zero.`, { error: String(error) });
      }
      this.#settle(exit, `${name} ended before it was Ready`);
      return exit;
    })();
    this.#ending = ending;
    return ending;
  }

  /**
   * Exit first, then a pending `ready` fails: the supervisor reports the exit (e.g. "exited
   * with code 137"), not the readiness failure that merely follows from it.
   */
  #settle(exit: ChildExit, notReady: string): void {
    this.#endWith(exit);
    this.#readyWith(new SluiceError('PROCESS_FAILED', notReady));
  }

  async #deletePods(pods: readonly V1Pod[]): Promise<void> {
    for (const pod of pods) {
      const podName = pod.metadata?.name;
      if (podName === undefined) continue;
      await this.#opts.core
        .deleteNamespacedPod({
          name: podName,
          namespace: this.#opts.namespace,
          gracePeriodSeconds: 0,
        })
        .catch((error: unknown) => {
          if (!(error instanceof ApiException && error.code === 404)) throw error;
        });
    }
  }
}
