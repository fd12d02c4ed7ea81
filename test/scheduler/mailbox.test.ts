// The standalone federation mailbox addresses objects by role and party: one party id holding two
// roles of a job (host 9999 + arbiter 9999, FATE's test env) gets two separate inboxes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Mailbox, mailboxKey } from '../../src/scheduler/mailbox.js';

const guest = { role: 'guest', partyId: '10000' };
const host = { role: 'host', partyId: '9999' };
const arbiter = { role: 'arbiter', partyId: '9999' };

test('the same name and tag from the guest to host 9999 and to arbiter 9999 are two objects', async () => {
  const box = new Mailbox();
  box.put(mailboxKey('j', 'hetero_lr_0', 'batch_info', 't', guest, host), 'for the host');
  box.put(mailboxKey('j', 'hetero_lr_0', 'batch_info', 't', guest, arbiter), 'for the arbiter');
  assert.is(await box.take(mailboxKey('j', 'hetero_lr_0', 'batch_info', 't', guest, arbiter)), 'for the arbiter');
  assert.is(await box.take(mailboxKey('j', 'hetero_lr_0', 'batch_info', 't', guest, host)), 'for the host');
});

test('senders too: host 9999\'s and arbiter 9999\'s objects to the guest do not mix', async () => {
  const box = new Mailbox();
  box.put(mailboxKey('j', 'c', 'x', 't', arbiter, guest), 'a');
  const fromHost = box.take(mailboxKey('j', 'c', 'x', 't', host, guest));
  box.put(mailboxKey('j', 'c', 'x', 't', host, guest), 'h');
  assert.is(await fromHost, 'h');
  assert.is(await box.take(mailboxKey('j', 'c', 'x', 't', arbiter, guest)), 'a');
});
test.run();
