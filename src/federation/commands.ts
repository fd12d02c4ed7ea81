// The party-to-party commands as one discriminated union over the generated request types, with the
// codec of each kind (the outbox stores encoded requests; the server decodes nothing itself).
import { currentScope } from '../store/audit/auditScope.js';
import { originOf } from './originActor.js';
import {
  CleanRequest,
  CreateJobRequest,
  DeliverReceiptsRequest,
  LoadModelRequest,
  ReportTaskStatusRequest,
  SavePipelineModelRequest,
  StartTaskRequest,
  StopTaskRequest,
  SyncJobStatusRequest,
  type Header,
} from '../gen/fedflow/v1/party.js';

export interface CommandRequests {
  createJob: CreateJobRequest;
  startTask: StartTaskRequest;
  stopTask: StopTaskRequest;
  reportTaskStatus: ReportTaskStatusRequest;
  syncJobStatus: SyncJobStatusRequest;
  savePipelineModel: SavePipelineModelRequest;
  clean: CleanRequest;
  loadModel: LoadModelRequest;
  deliverReceipts: DeliverReceiptsRequest;
}

export type CommandKind = keyof CommandRequests;

/** One command on the wire: its kind and its request (whose header names both parties). */
export type PartyCommand = { [K in CommandKind]: { readonly kind: K; readonly request: CommandRequests[K] } }[CommandKind];

/** What a receiver answers: retcode 0 when applied. */
export interface AckResult {
  readonly retcode: number;
  readonly retmsg: string;
}

export interface Acknowledgement extends AckResult {
  readonly messageId: string;
  readonly duplicate: boolean;
}

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

export const COMMAND_CODECS: { readonly [K in CommandKind]: Codec<CommandRequests[K]> } = {
  createJob: CreateJobRequest,
  startTask: StartTaskRequest,
  stopTask: StopTaskRequest,
  reportTaskStatus: ReportTaskStatusRequest,
  syncJobStatus: SyncJobStatusRequest,
  savePipelineModel: SavePipelineModelRequest,
  clean: CleanRequest,
  loadModel: LoadModelRequest,
  deliverReceipts: DeliverReceiptsRequest,
};

export const COMMAND_KINDS = Object.keys(COMMAND_CODECS) as CommandKind[];

export function headerOf(command: PartyCommand): Header {
  const h = command.request.header;
  if (!h) throw new Error(`${command.kind} without a header`);
  return h;
}

export function encodeCommand(command: PartyCommand): Uint8Array {
  return (COMMAND_CODECS[command.kind] as Codec<unknown>).encode(command.request).finish();
}

export function decodeCommand(kind: CommandKind, bytes: Uint8Array): PartyCommand {
  return { kind, request: COMMAND_CODECS[kind].decode(bytes) } as PartyCommand;
}

let counter = 0;
/** A message id unique across restarts: time, pid, a counter and randomness. */
export function newMessageId(): string {
  counter = (counter + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Builds a header; ids default to a fresh message id and correlation = causation = none. */
export function makeHeader(h: { source: string; destination: string; jobId: string; messageId?: string; causationId?: string; correlationId?: string }): Header {
  return {
    messageId: h.messageId ?? newMessageId(),
    sourcePartyId: h.source,
    destinationPartyId: h.destination,
    jobId: h.jobId,
    // The conversation goes on at the other party: the scope's ids travel with the message.
    causationId: h.causationId ?? currentScope()?.causationId ?? '',
    correlationId: h.correlationId ?? currentScope()?.correlationId ?? h.jobId,
    sentAtMs: BigInt(Date.now()),
    // A client's request (e.g. a stop asked at this party) names that client to the other party.
    ...originOf(currentScope()?.actor, h.source),
  };
}
