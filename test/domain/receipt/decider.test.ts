import { suite } from 'uvu';
import { receiptDecider, type ReceiptRecordedData } from '../../../src/domain/receipt/decider.js';
import { deciderSpec } from '../../support/deciderSpec.js';

const given = deciderSpec(receiptDecider).given;
const data = (partyId: string, payload = `{"partyId":"${partyId}"}`): ReceiptRecordedData => ({ jobId: 'j', partyId, payload, signature: 's', signer: 'k', receivedFrom: partyId, at: 1 });
const recorded = (partyId: string, payload?: string) => ({ type: 'JobReceiptRecorded' as const, data: data(partyId, payload) });
const t = suite('Receipts of a job');

t('a party\'s first receipt is recorded', () => given([]).when({ type: 'RecordReceipt', data: data('9999') }).then([recorded('9999')]));
t('the same receipt again (a retry, or the initiator sharing it back) changes nothing', () =>
  given([recorded('9999')]).when({ type: 'RecordReceipt', data: { ...data('9999'), receivedFrom: '10000' } }).thenNothingHappened());
t('a different receipt from the same party is refused, the first stays', () =>
  given([recorded('9999')]).when({ type: 'RecordReceipt', data: data('9999', '{"partyId":"9999","other":1}') }).thenThrows(/party 9999 already gave a different receipt/));
t('the set is shared once', () => {
  const share = { type: 'ShareReceipts' as const, data: { jobId: 'j', parties: ['9999'], at: 2 } };
  given([recorded('9999')]).when(share).then([{ type: 'JobReceiptsShared', data: share.data }]);
  given([recorded('9999'), { type: 'JobReceiptsShared', data: share.data }]).when(share).thenNothingHappened();
});
t.run();
