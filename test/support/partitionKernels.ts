// Kernels for the computing API's partition tasks test (compute/partitionTasks.ts): named exports
// a worker imports by this module's URL.

/** The partition's input doubled, with the partition and the shared offset (so a mix-up shows). */
export function scaled(partition: number, shared: { offset: number }, input: Float64Array): { partition: number; values: Float64Array } {
  const values = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) values[i] = input[i]! * 2 + shared.offset;
  return { partition, values };
}

/** Throws on partition 3. */
export function failsOnThree(partition: number): number {
  if (partition === 3) throw new Error('partition 3 failed');
  return partition;
}
