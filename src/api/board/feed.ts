// What the board needs from the node to follow the log: the projection runner's applied events
// (so a change it announces is already readable through /v1) and the log for resuming.
import type { RecordedEvent } from '../../store/eventStore.js';

export interface BoardFeed {
  /** Calls the listener with each batch the views have just applied; returns the way to stop. */
  follow(listener: (events: readonly RecordedEvent[]) => void): () => void;
  /** Events after `position` that the views already hold, oldest first, at most `max`. */
  readAfter(position: bigint, max: number): Promise<readonly RecordedEvent[]>;
  /** Position of the last event the views hold. */
  position(): bigint;
}

/** One change as the board sees it: which job (and component, role, party) an event touched. */
export interface BoardChange {
  readonly position: string;
  readonly type: string;
  readonly jobId: string;
  readonly componentName?: string;
  readonly role?: string;
  readonly partyId?: string;
  readonly status?: string;
}

/**
 * The change an event makes visible to the board, or undefined for events that touch no job
 * (tables, models, …). Only ids cross: the board re-reads the rows it shows through /v1.
 */
export function changeOf(event: RecordedEvent): BoardChange | undefined {
  const data = event.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || typeof data.jobId !== 'string') return undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
  const change: Record<string, string> = { position: event.position.toString(), type: event.type, jobId: data.jobId };
  const componentName = text(data.componentName);
  const role = text(data.role);
  const partyId = text(data.partyId);
  const status = text(data.status);
  if (componentName !== undefined) change.componentName = componentName;
  if (role !== undefined) change.role = role;
  if (partyId !== undefined) change.partyId = partyId;
  if (status !== undefined) change.status = status;
  return change as unknown as BoardChange;
}
