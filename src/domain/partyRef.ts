// One party of a job: its role and its id. Jobs, tasks, publishing and the components all name
// parties so; one definition below them all.
export interface PartyRef {
  readonly role: string;
  readonly partyId: string;
}
