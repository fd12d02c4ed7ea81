// Cell parsing and Python-compatible number formatting for DataIO. FATE parses cells with Python's
// float()/int() and stores fill values as str(value), so the model JSON shows e.g. "1.0" and "1e-05".

const DECIMAL = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * True when `text` is non-empty and made of digits, `.`, `+`, `-`, `e`, `E` only (the usual cell).
 * For such text Python's float() and JS Number() accept exactly the same strings (the decimal
 * grammar without `_`, which is not in the set) and give the same correctly rounded value; what
 * either refuses, Number() returns as NaN (no NaN spelling fits in the set).
 */
function plainDecimalChars(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // 0-9, '.', '+', '-', 'e', 'E'
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return false;
  }
  return true;
}

/** Python float(text), or undefined when Python would raise ValueError. */
export function parsePyFloat(text: string): number | undefined {
  if (plainDecimalChars(text)) {
    const v = Number(text);
    return Number.isNaN(v) ? undefined : v;
  }
  const s = text.trim();
  if (s === '') return undefined;
  if (DECIMAL.test(s)) return Number(s.replace(/_/g, ''));
  const special = SPECIAL.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

/** Python int(text) (decimal integers only), or undefined when Python would raise ValueError. */
export function parsePyInt(text: string): number | undefined {
  const s = text.trim().replace(/_/g, '');
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  return Number(s);
}

/** Python repr/str of a float: "1.0", "0.1", "1e-05", "1e+16", "inf", "nan". */
export function pyFloatStr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(value, -0)) return '-0.0';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    // Python switches to exponent form below 1e-4 and from 1e16; JS's mantissa digits are the same.
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const s = String(value);
  return Number.isInteger(value) ? `${s}.0` : s;
}

/** Python str() of a JSON parameter value (a designated fill value as the conf gave it). */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** numpy.around(value, 6): scale, round half to even, unscale. */
export function round6(value: number): number {
  const scaled = value * 1e6;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  let r: number;
  if (diff > 0.5) r = floor + 1;
  else if (diff < 0.5) r = floor;
  else r = floor % 2 === 0 ? floor : floor + 1;
  return r / 1e6;
}
