// The request and response types of the REST API for its clients (the `sluice` CLI and the
// web UI), derived with Static<> from the very TypeBox schemas the routes validate with, so a
// client's view of a body can never drift from the server's. Type-only: importing this file
// brings no runtime code (and nothing of Fastify) into a client.

import type { Static } from '@sinclair/typebox';
import type { Info, LoginBody, LoginResult } from './auth.ts';
import type { DlqList, DlqRecord, DlqRecords, ReplayBody, ReplayResult } from './dlq.ts';
import type { ErrorBody, Problem } from './error-body.ts';
import type { JobDryRunBody, JobDryRunResult, RecordResult } from './jobs.ts';
import type {
  ControlResult,
  DeployedPipeline,
  DryRunResult,
  PatchPipelineBody,
  Pipeline,
  PipelineBody,
  PipelineList,
  PipelineSummary,
  ResetBody,
} from './pipeline.ts';
import type { SecretBody, SecretList } from './secrets.ts';
import type { Component, PipelineStatus, StatusError, StreamStatistics } from './status.ts';
import type { TraceBody, TracedEntry, TraceResult } from './trace.ts';

export type ApiInfo = Static<typeof Info>;
export type ApiLoginBody = Static<typeof LoginBody>;
export type ApiLoginResult = Static<typeof LoginResult>;
export type ApiErrorBody = Static<typeof ErrorBody>;
export type ApiProblem = Static<typeof Problem>;

export type ApiPipeline = Static<typeof Pipeline>;
export type ApiDeployedPipeline = Static<typeof DeployedPipeline>;
export type ApiPipelineBody = Static<typeof PipelineBody>;
export type ApiPatchPipelineBody = Static<typeof PatchPipelineBody>;
export type ApiPipelineList = Static<typeof PipelineList>;
export type ApiPipelineSummary = Static<typeof PipelineSummary>;
export type ApiDryRunResult = Static<typeof DryRunResult>;
export type ApiControlResult = Static<typeof ControlResult>;
export type ApiResetBody = Static<typeof ResetBody>;

export type ApiPipelineStatus = Static<typeof PipelineStatus>;
export type ApiComponent = Static<typeof Component>;
export type ApiStatusError = Static<typeof StatusError>;
export type ApiStreamStatistics = Static<typeof StreamStatistics>;

export type ApiDlqList = Static<typeof DlqList>;
export type ApiDlqRecords = Static<typeof DlqRecords>;
export type ApiDlqRecord = Static<typeof DlqRecord>;
export type ApiReplayBody = Static<typeof ReplayBody>;
export type ApiReplayResult = Static<typeof ReplayResult>;

export type ApiSecretBody = Static<typeof SecretBody>;
export type ApiSecretList = Static<typeof SecretList>;

export type ApiJobDryRunBody = Static<typeof JobDryRunBody>;
export type ApiJobDryRunResult = Static<typeof JobDryRunResult>;
export type ApiRecordResult = Static<typeof RecordResult>;

export type ApiTraceBody = Static<typeof TraceBody>;
export type ApiTraceResult = Static<typeof TraceResult>;
export type ApiTracedEntry = Static<typeof TracedEntry>;
