// Paillier obfuscation of SecureBoost's g/h: standard rⁿ unless the job opts in to DJN by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readParams } from '../../../src/components/heteroSecureBoost/params.js';

test('standard rⁿ obfuscation by default; DJN only by the fedflow opt-in; anything else is refused by name', () => {
  assert.is(readParams({}).obfuscation, 'standard');
  assert.is(readParams({ encrypt_param: { method: 'Paillier', key_length: 1024 } }).obfuscation, 'standard');
  assert.is(readParams({ encrypt_param: { method: 'Paillier', fedflow_obfuscation: 'djn' } }).obfuscation, 'djn');
  assert.throws(() => readParams({ encrypt_param: { fedflow_obfuscation: 'fast' } }), /encrypt_param\.fedflow_obfuscation must be standard or djn, got "fast"/);
});

test.run();
