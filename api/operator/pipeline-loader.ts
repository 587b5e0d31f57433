// Keeps the prepared pipeline in step with the RDI database: prepares it when none is, and
// when a new revision is deployed stops both children first, then prepares the new one (the
// next ticks start them). A pipeline that cannot be prepared becomes a status error, retried
// every few seconds. A replaced revision's working folder is removed once its children are
// down, and the last one when the operator stops, so folders never pile up.

import type { Redis } from 'ioredis';
import { isSluiceError } from '../../common/errors.ts';
import { pipelineKey } from '../../pipeline/redis-keys.ts';
import type { Clock, Logger } from '../../processor/ports.ts';
import type { PipelineChildren } from './pipeline-children.ts';
import { preparePipeline, removeWorkspace, type PreparedPipeline } from './pipeline-workspace.ts';
import type { StatusError } from './status-report.ts';

const PREPARE_RETRY_MS = 5_000;

export class PipelineLoader {
  readonly #rdi: Redis;
  readonly #name: string;
  readonly #workDir: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #prepared: PreparedPipeline | undefined;
  #error: StatusError | undefined;
  #nextPrepareAt = 0;

  constructor(opts: { rdi: Redis; name: string; workDir: string; clock: Clock; logger: Logger }) {
    this.#rdi = opts.rdi;
    this.#name = opts.name;
    this.#workDir = opts.workDir;
    this.#clock = opts.clock;
    this.#logger = opts.logger;
  }

  /** The pipeline the children run from; undefined while none could be prepared. */
  get prepared(): PreparedPipeline | undefined {
    return this.#prepared;
  }

  /** Why the last preparation failed; undefined after a success. */
  get error(): StatusError | undefined {
    return this.#error;
  }

  /** Removes the working folder; call once the children are stopped for good. */
  async release(): Promise<void> {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    if (prepared !== undefined) await this.#remove(prepared);
  }

  async #remove(prepared: PreparedPipeline): Promise<void> {
    try {
      await removeWorkspace(prepared);
    } catch (error) {
      this.#logger.warn('Could not remove an old working folder.', {
        dir: prepared.dir,
        error: String(error),
      });
    }
  }

  /** (Re)reads the pipeline when none is prepared, or when its revision changed. */
  async refresh(children: PipelineChildren): Promise<void> {
    const prepared = this.#prepared;
    if (prepared !== undefined) {
      const revision = Number((await this.#rdi.hget(pipelineKey(this.#name), 'revision')) ?? 0);
      if (revision === prepared.revision) return;
      if (!children.down) {
        this.#logger.info('The pipeline changed: restarting it.', { revision });
        children.stop();
        return;
      }
      this.#prepared = undefined;
      await this.#remove(prepared);
    }
    if (this.#clock.now() < this.#nextPrepareAt) return;
    try {
      this.#prepared = await preparePipeline({
        rdi: this.#rdi,
        name: this.#name,
        parentDir: this.#workDir,
      });
      this.#error = undefined;
    } catch (error) {
      this.#nextPrepareAt = this.#clock.now() + PREPARE_RETRY_MS;
      this.#error = {
        code: isSluiceError(error) ? error.code : 'OPERATOR_PREPARE_FAILED',
        message: error instanceof Error ? error.message : String(error),
        remediation: 'fix config.yaml or the secrets it refers to, then deploy again',
      };
    }
  }
}
