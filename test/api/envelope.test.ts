import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envelope } from '../../src/api/envelope.js';
import { requiredArgumentsMessage } from '../../src/api/validate.js';

test('falsy keys are omitted (FATE 1.4), retcode always stays', () => {
  assert.equal(envelope({ retcode: 0, retmsg: 'no data', data: [], jobId: '', meta: {} }), { retcode: 0, retmsg: 'no data' });
  assert.equal(envelope({ retcode: 101, retmsg: '' }), { retcode: 101 });
  assert.equal(envelope({ retcode: 0, retmsg: 'success', data: { a: 0 }, jobId: 'j' }), { retcode: 0, retmsg: 'success', data: { a: 0 }, jobId: 'j' });
});
test('the FATE 1.5 rule drops only nulls', () => {
  assert.equal(envelope({ retcode: 0, retmsg: 'success', data: [], meta: null }, 'null'), { retcode: 0, retmsg: 'success', data: [] });
});
test('required-arguments message: exact spacing of both groups', () => {
  assert.is(requiredArgumentsMessage(['work_mode', 'namespace'], []), 'the following arguments are required: work_mode,namespace ');
  assert.is(requiredArgumentsMessage([], ['work_mode=0']), 'the following arguments are required:  work_mode=0');
});
test.run();
