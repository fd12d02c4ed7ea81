// Python's order of strings, which FATE's code uses wherever it sorts names (a tag table's header,
// a signed request's form fields): by Unicode code point. JS's `<` and default sort compare UTF-16
// units, which differ from it only beyond the BMP (a surrogate pair sorts below U+E000–U+FFFF).

/** Negative, zero or positive as `a` sorts before, with or after `b` in Python. */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
