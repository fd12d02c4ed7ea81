// FATE's job id: local time YYYYMMDDHHMMSS + 6-digit microseconds + an in-process counter
// (starts at 1, no padding). Ids therefore sort by creation time, as FATE clients expect.

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `epochMicros`: microseconds since epoch; `counter`: 1, 2, 3, … per process. */
export function formatJobId(epochMicros: number, counter: number): string {
  const d = new Date(Math.floor(epochMicros / 1000));
  const micros = Math.floor(epochMicros % 1_000_000);
  return (
    `${d.getFullYear()}${pad(d.getMonth() + 1, 2)}${pad(d.getDate(), 2)}` +
    `${pad(d.getHours(), 2)}${pad(d.getMinutes(), 2)}${pad(d.getSeconds(), 2)}${pad(micros, 6)}${counter}`
  );
}

/** The model id of upload/download jobs (role local, party 0). */
export const LOCAL_MODEL_ID = 'local-0#model';
