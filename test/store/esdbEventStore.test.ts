// Runs the contract against a real EventStoreDB/KurrentDB when FEDFLOW_TEST_ESDB_URL names one
// (e.g. esdb://127.0.0.1:2113?tls=false); otherwise the suite shows up as skipped.
import { EsdbEventStore } from '../../src/store/esdb/esdbEventStore.js';
import { eventStoreContract } from './eventStoreContract.js';

const url = process.env.FEDFLOW_TEST_ESDB_URL;

eventStoreContract('esdb event store: contract', async () => EsdbEventStore.connect(url!, { node: { partyId: '9999' } }), {
  partyId: '9999',
  skip: !url,
  // A server is shared by every run and test: other events are in the log.
  sharedLog: true,
});
