// The table decider. A re-upload replaces the table atomically: the old rows stay visible until
// the new ones are complete (FATE deleted first, so a failed re-upload lost the table).
import { assertNever, IllegalStateError, type Decider } from '../decider.js';
import type { TableCommand } from './commands.js';
import type { TableEvent, TableMeta } from './events.js';

export type TableState =
  | { status: 'absent' }
  | { status: 'live'; namespace: string; name: string; location: string; count: number; partition: number; meta: TableMeta };

export function decideTable(command: TableCommand, state: TableState): TableEvent[] {
  switch (command.type) {
    case 'LoadTableData': {
      const { basedOn, mode, ...d } = command.data;
      const current = state.status === 'live' ? state.location : null;
      if (current !== basedOn) {
        throw new IllegalStateError(
          `table ${d.namespace}.${d.name} was changed by another upload or delete while this upload ran; upload again`,
        );
      }
      if (state.status === 'absent') {
        return [
          { type: 'TableCreated', data: { namespace: d.namespace, name: d.name, partition: d.partition, jobId: d.jobId, at: d.at } },
          { type: 'TableDataLoaded', data: { ...d, mode: 'create', previousLocation: null } },
        ];
      }
      return [{ type: 'TableDataLoaded', data: { ...d, mode, previousLocation: state.location } }];
    }
    case 'DeleteTable':
      if (state.status === 'absent') return [];
      return [{ type: 'TableDeleted', data: { namespace: state.namespace, name: state.name, location: state.location, at: command.data.at } }];
    default:
      return assertNever(command);
  }
}

export function evolveTable(state: TableState, event: TableEvent): TableState {
  switch (event.type) {
    case 'TableCreated':
      return state;
    case 'TableDataLoaded': {
      const d = event.data;
      return { status: 'live', namespace: d.namespace, name: d.name, location: d.location, count: d.countActual, partition: d.partition, meta: d.meta };
    }
    case 'TableDeleted':
      return { status: 'absent' };
    default:
      return assertNever(event);
  }
}

export const tableDecider: Decider<TableState, TableCommand, TableEvent> = {
  decide: decideTable,
  evolve: evolveTable,
  initialState: () => ({ status: 'absent' }),
};

/**
 * FATE 1.4's refusal to upload into a table that has rows when `drop` is absent (or 2), applied
 * in every work mode (fedflow does better than FATE, which checked it only in cluster mode).
 * Returns the contract's exact message, or undefined when the upload may go on.
 */
export function uploadRefusal(state: TableState, drop: number | undefined): string | undefined {
  if (state.status !== 'live' || state.count === 0) return undefined;
  if (drop === 0 || drop === 1) return undefined;
  return (
    `The data table already exists, table data count:${state.count}.` +
    'If you still want to continue uploading, please add the parameter -drop. ' +
    '0 means not to delete and continue uploading, 1 means to upload again after deleting the table'
  );
}
