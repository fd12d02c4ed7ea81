export function time(ms) {
  if (!ms) return '—';
  const d = new Date(Number(ms));
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined || ms === '') return '—';
  const s = Math.round(Number(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** Elapsed of a job/task row: its own elapsed when ended, else now − start. */
export function elapsedOf(row) {
  if (row.f_elapsed) return row.f_elapsed;
  if (row.f_start_time && !row.f_end_time) return Date.now() - Number(row.f_start_time);
  return null;
}

export function parseJson(text, fallback) {
  if (text === null || text === undefined || text === '') return fallback;
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}

export function rolesText(roles) {
  return Object.entries(roles ?? {}).map(([role, ids]) => `${role}: ${[].concat(ids).join(', ')}`).join(' · ');
}
