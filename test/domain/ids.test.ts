import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatJobId } from '../../src/domain/ids.js';
import { jobIdGenerator } from '../../src/eventSourcing/clock.js';

test('job id = local YYYYMMDDHHMMSS + 6-digit microseconds + counter', () => {
  const ms = new Date(2020, 10, 10, 15, 32, 14).getTime();
  assert.is(formatJobId(ms * 1000 + 742378, 1), '202011101532147423781');
  assert.is(formatJobId(ms * 1000 + 5, 12), '2020111015321400000512');
});

test('generated ids are distinct, all digits', () => {
  const next = jobIdGenerator();
  const ids = Array.from({ length: 50 }, () => next());
  assert.is(new Set(ids).size, 50);
  assert.ok(/^\d{21,}$/.test(ids[0]!));
});
test.run();
