// The tasks an expression worker can run, by name: each is a pure function of plain,
// structured-clonable data. A new task (a trace rendering, job tests) is one entry here.

import type { TracedEntry } from '../trace/trace-entries.ts';
import {
  checkDefinition,
  type DefinitionCheck,
  type DefinitionCheckRequest,
} from '../pipelines/check-definition.ts';
import { runDryRunRequest, type DryRunRequest, type DryRunResponse } from './dry-run-request.ts';
import { renderTrace, type TraceRenderRequest } from './trace-request.ts';

export interface ExpressionTasks {
  readonly 'dry-run': (input: DryRunRequest) => Promise<DryRunResponse>;
  readonly trace: (input: TraceRenderRequest) => Promise<TracedEntry[]>;
  readonly 'check-pipeline': (input: DefinitionCheckRequest) => Promise<DefinitionCheck>;
}

export type TaskName = keyof ExpressionTasks;
export type TaskInput<N extends TaskName> = Parameters<ExpressionTasks[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<ExpressionTasks[N]>>;

export const expressionTasks: ExpressionTasks = {
  'dry-run': runDryRunRequest,
  trace: renderTrace,
  'check-pipeline': checkDefinition,
};
