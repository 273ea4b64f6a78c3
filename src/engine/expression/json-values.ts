/**
 * Small facts about JSON values shared by the expression compiler and the operators.
 */

/** A JSON object (not an array, not null). */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSONata's `$boolean` casting: how a filter, `and`/`or` and `? :` decide whether a value means true. */
export function jsonataBoolean(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(jsonataBoolean);
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'boolean':
      return v;
    case 'function':
      return false;
    default:
      return Object.keys(v).length > 0;
  }
}
