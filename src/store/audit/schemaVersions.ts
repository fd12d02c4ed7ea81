// The schema version of each event type. An event type's data changes shape only with a new
// version here and an upcaster that turns the older shape into the new one at read time; every
// type not listed is at version 1.
const VERSIONS: Readonly<Record<string, number>> = {};

export function schemaVersionOf(type: string): number {
  return VERSIONS[type] ?? 1;
}
