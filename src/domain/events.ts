// Every event type of the domain, as one union: what projections and process managers consume.
import type { JobEvent } from './job/events.js';
import type { TaskEvent } from './task/events.js';
import type { TableEvent } from './table/events.js';
import type { TrackingEvent } from './tracking/events.js';

export type DomainEvent = JobEvent | TaskEvent | TableEvent | TrackingEvent;
export type DomainEventType = DomainEvent['type'];
