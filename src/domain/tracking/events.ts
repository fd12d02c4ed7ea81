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
      /**
       * /v1/tracking/component/metric/delete: this party's metrics of the job are gone (data and
       * meta), narrowed by the fields present. The log keeps what was logged; the view forgets it.
       */
      type: 'MetricsDeleted';
      data: { jobId: string; role: string; partyId: string; componentName?: string; namespace?: string; name?: string; at: number };
    }
  | {
      /**
       * /v1/job/clean: this party's output data of the component is gone (its table deleted by its
       * own TableDeleted); the output data and data-view rows go with it. Models stay: a predict
       * job needs them.
       */
      type: 'OutputsCleaned';
      data: { jobId: string; componentName: string; role: string; partyId: string; tables: { namespace: string; name: string }[]; at: number };
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
