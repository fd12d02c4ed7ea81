// The commands a client can send a node (NestJS CQRS messages). Handlers are thin shells around
// the pure deciders in src/domain.
import { Command } from '@nestjs/cqrs';
import type { DownloadParams, UploadParams } from '../scheduler/localJobs.js';

export class SubmitUpload extends Command<{ jobId: string }> {
  constructor(
    readonly jobId: string,
    readonly params: UploadParams,
  ) {
    super();
  }
}

export class SubmitDownload extends Command<{ jobId: string }> {
  constructor(
    readonly jobId: string,
    readonly params: DownloadParams,
  ) {
    super();
  }
}

export class DeleteTable extends Command<{ deleted: boolean }> {
  constructor(
    readonly namespace: string,
    readonly name: string,
  ) {
    super();
  }
}

export class UpdateJobNotes extends Command<{ updated: boolean }> {
  constructor(
    readonly jobId: string,
    readonly role: string,
    readonly partyId: string,
    readonly notes: string,
  ) {
    super();
  }
}

export class SubmitJob extends Command<{ jobId: string; modelId: string; modelVersion: string }> {
  constructor(
    readonly jobId: string,
    readonly dsl: unknown,
    readonly runtimeConf: unknown,
  ) {
    super();
  }
}

export class StopJob extends Command<{ outcome: 'cancel job success' | 'kill job success' | 'unknown' }> {
  constructor(readonly jobId: string) {
    super();
  }
}

/** /v1/job/clean/queue: cancel every job waiting in this initiator's queue; answers their ids. */
export class CleanQueue extends Command<{ canceled: string[] }> {}

/** /v1/tracking/component/metric/delete: the filters FATE's delete_metric_data applies (job_id required). */
export interface MetricFilter {
  readonly jobId: string;
  readonly componentName?: string;
  readonly role?: string;
  readonly partyId?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export class DeleteMetrics extends Command<{ parties: { role: string; partyId: string }[] }> {
  constructor(readonly filter: MetricFilter) {
    super();
  }
}

/** /v1/job/clean: a job's output tables and metrics on this node's parties (narrowed like /v1/job/task/query). */
export class CleanJob extends Command<{ found: boolean; tables: string[]; tasks: number }> {
  constructor(readonly filter: { readonly jobId: string; readonly role?: string; readonly partyId?: string; readonly componentName?: string }) {
    super();
  }
}
