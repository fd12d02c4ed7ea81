// Tracking events of a task: metric data points, metric metas and data-view rows (which table a
// task produced, with its counts). They only ever add facts, so they need no decider.

export interface TrackingScope {
  readonly jobId: string;
  readonly componentName: string;
  readonly taskId: string;
  readonly role: string;
  readonly partyId: string;
}

export type MetricValue = string | number | boolean | null;
export type MetricPoint = readonly [key: string | number, value: MetricValue];

export type TrackingEvent =
  | { type: 'MetricDataLogged'; data: TrackingScope & { namespace: string; name: string; points: MetricPoint[]; at: number } }
  | { type: 'MetricMetaLogged'; data: TrackingScope & { namespace: string; name: string; meta: Record<string, unknown>; at: number } }
  | {
      type: 'DataViewRecorded';
      data: TrackingScope & {
        tableName: string;
        tableNamespace: string;
        countUpload: number;
        countActual: number;
        partition: number;
        at: number;
      };
    }
  | {
      /** A component's first output data table: stored under (namespace, tableName) at `location`. */
      type: 'OutputDataRecorded';
      data: TrackingScope & {
        dataName: string;
        tableNamespace: string;
        tableName: string;
        location: string;
        count: number;
        schema: Record<string, unknown>;
        at: number;
      };
    }
  | {
      /** A component's output model as FATE-shaped JSON buffers (camelCase proto field names). */
      type: 'OutputModelRecorded';
      data: TrackingScope & {
        module: string;
        alias: string;
        buffers: Record<string, Record<string, unknown>>;
        at: number;
      };
    };


export function trackingStreamId(jobId: string, role: string, partyId: string | number): string {
  return `tracking-${jobId}-${role}-${partyId}`;
}
