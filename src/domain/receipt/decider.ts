// The receipts a node holds for one job: each party's signed receipt, recorded once, and whether
// the initiator has shared the full set. Signatures are checked before a command gets here
// (src/federation/receipts); this decider keeps the record honest: one receipt per party, and a
// second, different receipt from the same party is refused rather than silently replacing the first.
import { IllegalStateError, type Decider } from '../decider.js';

export const receiptStreamId = (jobId: string): string => `receipts-${jobId}`;

export interface ReceiptRecordedData {
  readonly jobId: string;
  readonly partyId: string;
  /** The signed receipt exactly as received (payload = signed bytes). */
  readonly payload: string;
  readonly signature: string;
  readonly signer: string;
  /** The party whose message brought it (itself, or the initiator sharing the set). */
  readonly receivedFrom: string;
  readonly at: number;
}

export type ReceiptEvent =
  | { type: 'JobReceiptRecorded'; data: ReceiptRecordedData }
  | { type: 'JobReceiptsShared'; data: { readonly jobId: string; readonly parties: readonly string[]; readonly at: number } };

export type ReceiptCommand =
  | { type: 'RecordReceipt'; data: ReceiptRecordedData }
  | { type: 'ShareReceipts'; data: { readonly jobId: string; readonly parties: readonly string[]; readonly at: number } };

export interface ReceiptState {
  /** party id → the signed payload recorded for it */
  readonly byParty: ReadonlyMap<string, string>;
  readonly shared: boolean;
}

export const receiptDecider: Decider<ReceiptState, ReceiptCommand, ReceiptEvent> = {
  initialState: () => ({ byParty: new Map(), shared: false }),
  decide(command, state) {
    switch (command.type) {
      case 'RecordReceipt': {
        const prior = state.byParty.get(command.data.partyId);
        if (prior === undefined) return [{ type: 'JobReceiptRecorded', data: command.data }];
        if (prior === command.data.payload) return [];
        throw new IllegalStateError(`job ${command.data.jobId}: party ${command.data.partyId} already gave a different receipt`);
      }
      case 'ShareReceipts':
        return state.shared ? [] : [{ type: 'JobReceiptsShared', data: command.data }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'JobReceiptRecorded':
        return { ...state, byParty: new Map(state.byParty).set(event.data.partyId, event.data.payload) };
      case 'JobReceiptsShared':
        return { ...state, shared: true };
    }
  },
};
