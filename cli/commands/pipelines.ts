// `sluice info`, `list`, `get`, `delete` and `deploy --dir [--dry-run] [--start]`: the
// pipeline as a folder (config.yaml + jobs/) on one side and as an API resource on the other.

import type { Command } from 'commander';
import type {
  ApiControlResult,
  ApiDeployedPipeline,
  ApiDryRunResult,
  ApiInfo,
  ApiPipeline,
  ApiPipelineBody,
  ApiPipelineList,
} from '../../api/schemas/api-types.ts';
import { ApiError } from '../api-error.ts';
import { readPipelineDir, warningLines } from '../pipeline-dir.ts';
import { formatTime, renderTable } from '../output.ts';
import { pipelinePath, type Runtime } from '../runtime.ts';

export function registerPipelineCommands(program: Command, rt: Runtime): void {
  program
    .command('info')
    .description('show the API server name and version (no login needed)')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      const info = await client.open<ApiInfo>('GET', '/api/v2/info');
      rt.print(command, info, () => `${info.name} ${info.version}\n`);
    });

  program
    .command('list')
    .description('list pipelines')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      const { pipelines } = await client.request<ApiPipelineList>('GET', '/api/v2/pipelines');
      rt.print(command, pipelines, () =>
        renderTable(pipelines, [
          { header: 'NAME', value: (p) => p.name },
          { header: 'STATE', value: (p) => p.desired_state },
          { header: 'REVISION', value: (p) => p.revision },
          { header: 'JOBS', value: (p) => p.jobs.length },
          { header: 'UPDATED', value: (p) => formatTime(p.updated_at) },
        ]),
      );
    });

  program
    .command('get')
    .description('show the deployed config.yaml and jobs of the pipeline')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      const pipeline = await client.request<ApiPipeline>('GET', pipelinePath(client));
      rt.print(
        command,
        pipeline,
        () =>
          [
            '# config.yaml',
            pipeline.config.trimEnd(),
            ...Object.entries(pipeline.jobs).map(
              ([name, text]) => `\n# jobs/${name}.yaml\n${text.trimEnd()}`,
            ),
          ].join('\n') + '\n',
      );
    });

  program
    .command('delete')
    .description('delete the pipeline (the operator stops it)')
    .action(async (_options: unknown, command: Command) => {
      const client = await rt.client(command);
      await client.request<null>('DELETE', pipelinePath(client));
      rt.io.out(`Pipeline '${client.pipeline}' deleted.\n`);
    });

  program
    .command('deploy')
    .description('validate and deploy a pipeline folder (config.yaml + jobs/)')
    .requiredOption('-d, --dir <dir>', 'pipeline folder')
    .option('--dry-run', 'only validate config, jobs and connections; store nothing')
    .option('--start', 'start the pipeline after deploying it')
    .action(
      async (options: { dir: string; dryRun?: boolean; start?: boolean }, command: Command) => {
        const folder = await readPipelineDir(options.dir);
        const client = await rt.client(command);
        const query = options.dryRun === true ? '?dry_run=true' : '';
        let result: ApiDeployedPipeline | ApiDryRunResult;
        try {
          const body: ApiPipelineBody = folder;
          result = await client.request<ApiDeployedPipeline | ApiDryRunResult>(
            'PUT',
            pipelinePath(client, query),
            body,
          );
        } catch (error) {
          if (error instanceof ApiError && error.problems.length > 0) {
            for (const p of error.problems) rt.io.err(`${p.code}: ${p.message}\n`);
          }
          throw error;
        }
        // The API is the one source of deploy warnings (the web UI shows the same ones).
        for (const line of warningLines(options.dir, result.warnings)) rt.io.err(line);
        if ('dry_run' in result) {
          const tested = result.connections_tested;
          rt.print(
            command,
            result,
            () =>
              `Valid. Connections tested: ${tested.length === 0 ? 'none' : tested.join(', ')}.\n`,
          );
          return;
        }
        const revision = result.revision;
        if (options.start === true) {
          await client.request<ApiControlResult>('POST', pipelinePath(client, '/start'));
        }
        rt.print(
          command,
          result,
          () =>
            `Deployed pipeline '${client.pipeline}' (revision ${revision}, ${Object.keys(folder.jobs).length} jobs)` +
            `${options.start === true ? ' and asked the operator to start it' : ''}.\n`,
        );
      },
    );
}
