import type { TableMeta } from './events.js';

export type TableCommand =
  | {
      type: 'LoadTableData';
      data: {
        namespace: string;
        name: string;
        location: string;
        /** drop=1 → replace, drop=0 → append (rows were copied from `basedOn` first). */
        mode: 'replace' | 'append';
        /** The location the upload started from; a different current location means a concurrent change. */
        basedOn: string | null;
        partition: number;
        countUpload: number;
        countActual: number;
        meta: TableMeta;
        jobId: string;
        at: number;
      };
    }
  | { type: 'DeleteTable'; data: { at: number } };
