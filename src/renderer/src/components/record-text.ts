/**
 * How a record's values read on screen: event times as dates rather than epoch milliseconds, and a one-line preview
 * of an object or a list for a collapsed row.
 */

/** 2001-09-09 … 2100-01-01 in epoch milliseconds: a number in this range under a time-like name is a time. */
const EPOCH_MS = { from: 1_000_000_000_000, to: 4_102_444_800_000 };

/** Names that hold an event or processing time: ts, time, timestamp, windowStart, windowEnd, createdAt, sentTime… */
const TIME_NAME =
  /^(ts|time|timestamp|date|when|watermark)$|(Ts|Time|Timestamp|At|Start|End|Date)$|^(window|event)[A-Z_]/;

/** Whether a value is a time in epoch milliseconds, judged by its field's name and its size. */
export function isEpochMs(name: string | number | undefined, value: unknown): value is number {
  return (
    typeof name === 'string' &&
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= EPOCH_MS.from &&
    value < EPOCH_MS.to &&
    TIME_NAME.test(name)
  );
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A time as people read it, in this machine's time zone: 2026-12-06 08:30:01.234. */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/** A leaf value as shown: strings quoted, times as dates. */
export function leafText(name: string | number | undefined, value: unknown): string {
  if (isEpochMs(name, value)) return dateTime(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  return String(value);
}

/** One line that stands for an object or a list when collapsed, cut at about `max` characters. */
export function preview(value: unknown, max = 120): string {
  let out = '';
  const add = (s: string) => {
    out += s;
    return out.length < max;
  };
  const walk = (name: string | number | undefined, v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') return add(leafText(name, v));
    if (depth > 1) return add(Array.isArray(v) ? `[…${v.length}]` : '{…}');
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    if (!add(Array.isArray(v) ? '[' : '{')) return false;
    for (const [i, [k, x]] of entries.entries()) {
      if (i > 0 && !add(', ')) return false;
      if (!Array.isArray(v) && !add(`${k}: `)) return false;
      if (!walk(k, x, depth + 1)) return false;
    }
    return add(Array.isArray(v) ? ']' : '}');
  };
  return walk(undefined, value, 0) ? out : `${out.slice(0, max)}…`;
}
