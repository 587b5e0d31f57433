// RDI config.yaml keys that Sluice accepts but that have no effect in Sluice, each with the
// reason: warnings at deploy (`sluice deploy`, and the processor's log when it starts), so that
// no documented key is silently ignored. docs/config.md lists the same keys with the same
// reasons; a key RDI itself documents as deprecated or Flink-only says so. Works on the YAML as
// written (no secrets needed), so the CLI can warn before uploading.

import type { SourceLocation } from '../common/errors.ts';
import { parseYamlDocument, type YamlPath } from './yaml-document.ts';

export interface ConfigNotice {
  /** The key the notice is about. */
  readonly path: YamlPath;
  readonly message: string;
}

export interface LocatedNotice extends ConfigNotice {
  readonly location: SourceLocation;
}

type Mapping = Readonly<Record<string, unknown>>;

function mapping(value: unknown): Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Mapping)
    : {};
}

interface ProcessorRule {
  readonly key: string;
  /** True when the value (after defaults) is one the key has an effect with in RDI. */
  readonly applies: (value: unknown) => boolean;
  readonly reason: string;
}

const set = (value: unknown) => value !== undefined;
const differs = (fallback: unknown) => (value: unknown) =>
  value !== undefined && value !== fallback;

/** processors keys accepted without effect, when given a value that would change something. */
const PROCESSOR_RULES: readonly ProcessorRule[] = [
  {
    key: 'type',
    applies: differs('classic'),
    reason:
      "Sluice runs its own processor for either type; RDI's Flink-only settings have no effect",
  },
  {
    key: 'duration',
    applies: set,
    reason: 'deprecated in RDI, where it has no effect either; use read_batch_timeout_ms',
  },
  {
    key: 'dedup_strategy',
    applies: set,
    reason: 'deprecated in RDI, where it has no effect either',
  },
  {
    key: 'on_failed_retry_interval',
    applies: differs(5),
    reason: 'deprecated in RDI, where it has no effect either; see retry_initial_delay_ms',
  },
  {
    key: 'debezium_lob_encoded_placeholder',
    applies: set,
    reason: 'Sluice always recognises Debezium placeholders and keeps the stored value',
  },
  {
    key: 'enable_async_processing',
    applies: set,
    reason:
      'the processor always reads, transforms and writes the streams of a read side by side, in order per stream',
  },
  {
    key: 'batch_queue_size',
    applies: set,
    reason: 'batches are not queued: each is acknowledged right after its atomic write',
  },
  {
    key: 'ack_queue_size',
    applies: set,
    reason: 'acknowledgements are not queued: each batch is acknowledged after its atomic write',
  },
  {
    key: 'dedup',
    applies: (value) => value === true || value === 'true',
    reason:
      'replays are skipped by the per-stream checkpoint written atomically with each batch (effectively-once on standalone targets), so no deduplication set is kept',
  },
  {
    key: 'dedup_max_size',
    applies: set,
    reason: 'no deduplication set is kept (see dedup)',
  },
  {
    key: 'advanced',
    applies: set,
    reason: "RDI's Flink processor settings; RDI's classic processor ignores them too",
  },
  {
    key: 'write_batch_size',
    applies: differs(200),
    reason:
      'a batch is written in one atomic step with its checkpoint; splitting it would lose that; read_batch_size bounds a batch',
  },
  {
    key: 'retry_max_attempts',
    applies: differs(5),
    reason:
      'a transient target failure is retried with backoff until it succeeds (nothing is dropped or acknowledged meanwhile; backpressure is raised)',
  },
  {
    key: 'use_native_json_merge',
    applies: (value) => value === false || value === 'false',
    reason:
      'merges use JSON.MERGE semantics (a null removes the field) in every case; the Lua merge that keeps nulls is not offered',
  },
  {
    key: 'initial_sync_processes',
    applies: differs(4),
    reason:
      'one processor handles the snapshot streams side by side; Debezium reads tables in parallel with advanced.source snapshot.max.threads',
  },
  {
    key: 'idle_sleep_time_ms',
    applies: differs(200),
    reason: 'an idle processor blocks in XREADGROUP for read_batch_timeout_ms instead of sleeping',
  },
];

/** Sluice's source TLS keys (docs/config.md, "TLS to the source database") and where they work. */
const SOURCE_TLS_KEYS = ['cacert', 'cert', 'key', 'key_password', 'tls_mode'] as const;
const TLS_KINDS: ReadonlySet<string> = new Set(['postgresql', 'mysql', 'mariadb']);

/** What Sluice does not do with this config (the YAML as written) although RDI documents it. */
export function configNotices(config: unknown): ConfigNotice[] {
  const notices: ConfigNotice[] = [];
  const processors = mapping(mapping(config)['processors']);
  for (const rule of PROCESSOR_RULES) {
    if (rule.applies(processors[rule.key])) {
      notices.push({
        path: ['processors', rule.key],
        message: `processors.${rule.key} has no effect in Sluice: ${rule.reason}`,
      });
    }
  }
  for (const [name, raw] of Object.entries(mapping(mapping(config)['sources']))) {
    const source = mapping(raw);
    const at = (...path: string[]) => ['sources', name, ...path];
    if (source['type'] === 'flink' || source['type'] === 'riotx') {
      notices.push({
        path: at('type'),
        message: `source '${name}' uses RDI's ${source['type']} collector, which Sluice does not run: nothing is captured from it (write its streams yourself, as for type external)`,
      });
    }
    const connection = mapping(source['connection']);
    const kind = connection['type'];
    if (typeof kind === 'string' && !TLS_KINDS.has(kind)) {
      for (const key of SOURCE_TLS_KEYS.filter((k) => connection[k] !== undefined)) {
        notices.push({
          path: at('connection', key),
          message: `sources.${name}.connection.${key} has no effect for ${kind} sources: Sluice turns it into TLS settings for postgresql, mysql and mariadb only; give the driver's own TLS settings in advanced.source`,
        });
      }
    }
    const advanced = mapping(source['advanced']);
    if (advanced['resources'] !== undefined) {
      notices.push({
        path: at('advanced', 'resources'),
        message: `sources.${name}.advanced.resources has no effect in Sluice: the collector's CPU and memory are set where it runs (helm values, compose, systemd), and its heap with advanced.java_options`,
      });
    }
    for (const key of ['flink', 'riotx']) {
      if (advanced[key] !== undefined) {
        notices.push({
          path: at('advanced', key),
          message: `sources.${name}.advanced.${key} has no effect in Sluice: it configures RDI's ${key} collector`,
        });
      }
    }
  }
  return notices;
}

/** The notices of a config.yaml text, each at its file:line:column; none if it does not parse. */
export function configNoticesOfText(text: string, file: string): LocatedNotice[] {
  let document;
  try {
    document = parseYamlDocument(text, file);
  } catch {
    return []; // the loader reports the syntax error itself
  }
  return configNotices(document.value).map((notice) => ({
    ...notice,
    location: document.locate(notice.path, 'key'),
  }));
}
