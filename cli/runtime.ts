// What every command action gets: the injected io, the global options (context, output
// format, pipeline), an API client for the chosen context, and a printer for results.

import type { Command } from 'commander';
import { ApiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';
import { resolveTarget } from './contexts.ts';
import { render, type OutputFormat } from './output.ts';

export interface GlobalOptions {
  readonly context?: string;
  readonly url?: string;
  readonly username?: string;
  readonly pipeline?: string;
  readonly output: OutputFormat;
}

export class Runtime {
  readonly io: CliIo;

  constructor(io: CliIo) {
    this.io = io;
  }

  globals(command: Command): GlobalOptions {
    return command.optsWithGlobals<GlobalOptions>();
  }

  async client(command: Command): Promise<ApiClient> {
    const options = this.globals(command);
    const target = await resolveTarget(this.io, options);
    const pipeline = options.pipeline ?? target.context.pipeline;
    return new ApiClient(this.io, {
      name: target.name,
      context: { ...target.context, ...(pipeline === undefined ? {} : { pipeline }) },
    });
  }

  print(command: Command, data: unknown, table: () => string): void {
    this.io.out(render(this.globals(command).output, data, table));
  }
}

/** `/api/v2/pipelines/<name>` with the name escaped. */
export function pipelinePath(client: ApiClient, suffix = ''): string {
  return `/api/v2/pipelines/${encodeURIComponent(client.pipeline)}${suffix}`;
}
