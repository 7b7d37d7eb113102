// Values merged the way Helm merges them: maps deeply, anything else (lists included) replaced by the later value.

type Values = Record<string, unknown>;
const isMap = (x: unknown): x is Values => typeof x === 'object' && x !== null && !Array.isArray(x);

export function mergeValues<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (!isMap(base) || !isMap(over)) return over as T;
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeValues(out[k], v);
  return out as T;
}
