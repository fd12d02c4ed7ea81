export * from './bigint.js';
export * from './prime.js';
export * from './paillier.js';
export * from './fixedPoint.js';
export * from './rsa.js';
export * from './backgroundObfuscators.js';
export * from './nativeModPow.js';
export * from './pippenger.js';
