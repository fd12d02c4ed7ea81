import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBits } from '../../../src/components/crypto/bigint.js';
import {
  FIXED_POINT_PRECISION_BITS,
  FixedPointCodec,
  FixedPointOverflowError,
} from '../../../src/components/crypto/fixedPoint.js';

const t = suite('crypto/fixedPoint');

// A 1024-bit odd modulus is enough for the codec (it never factors n).
const n = randomBits(1024) | (1n << 1023n) | 1n;
const codec = new FixedPointCodec(n);

function randomFloat(): number {
  const mag = 10 ** (Math.random() * 12 - 6);
  return (Math.random() < 0.5 ? -1 : 1) * mag * Math.random();
}

t('default precision is the exported global constant', () => {
  assert.is(FIXED_POINT_PRECISION_BITS, 53);
  assert.is(codec.precisionBits, FIXED_POINT_PRECISION_BITS);
});

t('edge values round-trip', () => {
  for (const x of [0, 1, -1, 0.5, -0.5, 2 ** -53, -(2 ** -53), 1e15, -1e15, Number.MAX_SAFE_INTEGER, 123.456, -987.654321]) {
    assert.is(codec.decode(codec.encode(x)), x, `round trip ${x}`);
  }
  assert.is(codec.encode(0), 0n);
  assert.is(codec.encode(-1), n - (1n << 53n));
  assert.ok(codec.encode(-1e-3) > n / 2n);
});

t('random floats round-trip within 2^-54', () => {
  for (let i = 0; i < 5000; i++) {
    const x = randomFloat();
    const y = codec.decode(codec.encode(x));
    assert.ok(Math.abs(x - y) <= 2 ** -54 * 1.0000001, `${x} vs ${y}`);
  }
});

t('sums and products decode with the right scale', () => {
  for (let i = 0; i < 1000; i++) {
    const a = randomFloat();
    const b = randomFloat();
    const sum = (codec.encode(a) + codec.encode(b)) % n;
    assert.ok(Math.abs(codec.decode(sum) - (a + b)) <= 2 ** -52 + Math.abs(a + b) * 1e-15);
    const prod = (codec.encode(a) * codec.encode(b)) % n; // scale 2^(2p): must be rescaled
    const expected = codec.toScaledInt(a) * codec.toScaledInt(b);
    assert.is(codec.toSignedInt(prod), expected);
    const got = codec.decodeProduct(prod);
    // each factor carries ≤ 2^-54 rounding error, so the product error is ≈ (|a| + |b|)·2^-54
    const tol = (Math.abs(a) + Math.abs(b) + 1) * 2 ** -53 + Math.abs(a * b) * 1e-15;
    assert.ok(Math.abs(got - a * b) <= tol, `${got} vs ${a * b}`);
  }
});

t('maxMagnitude: encode throws a clear error on overflow; max itself works', () => {
  const max = codec.maxMagnitude;
  assert.is(codec.toSignedInt(codec.encodeInt(max)), max);
  assert.is(codec.toSignedInt(codec.encodeInt(-max)), -max);
  assert.throws(() => codec.encodeInt(max + 1n), /maxMagnitude/);
  assert.throws(() => codec.encodeInt(-max - 1n), /maxMagnitude/);
  const bigFloat = codec.maxValue() * 4;
  try {
    codec.encode(bigFloat);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, FixedPointOverflowError);
    assert.match((err as Error).message, /maxMagnitude/);
  }
  assert.throws(() => codec.encode(Number.MAX_VALUE), /maxMagnitude/);
  assert.throws(() => codec.encode(-Number.MAX_VALUE), /maxMagnitude/);
  assert.throws(() => codec.encode(Number.POSITIVE_INFINITY), /non-finite/);
  assert.throws(() => codec.encode(Number.NaN), /non-finite/);
  // values of ~maxValue/2 are fine
  const x = codec.maxValue() / 2;
  const y = codec.decode(codec.encode(x));
  assert.ok(Math.abs(y - x) / x < 1e-15);
});

t('overflow error is clear for many random moduli', () => {
  for (let i = 0; i < 200; i++) {
    const c = new FixedPointCodec(randomBits(1024) | (1n << 1023n) | 1n);
    for (const f of [1.01, 4, 1e10]) {
      assert.throws(() => c.encode(c.maxValue() * f), /maxMagnitude/);
      assert.throws(() => c.encode(-c.maxValue() * f), /maxMagnitude/);
    }
  }
});

t('decode detects homomorphic overflow into the (n/3, 2n/3) gap', () => {
  assert.throws(() => codec.decode(n / 2n), /overflow/);
  assert.throws(() => codec.decode(n), /\[0, n\)/);
});

t('custom scale (spec §4.4: residuals 2^40 × features 2^23 = 2^63)', () => {
  const r = 0.123456789;
  const f = -3.25;
  const prod = (codec.encode(r, 40) * codec.encode(f, 23)) % n;
  assert.ok(Math.abs(codec.decode(prod, 63) - r * f) < 1e-11);
});

t.run();
