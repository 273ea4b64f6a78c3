/**
 * Comparing what a sink received with what a fixture expects: as a multiset of records (the default: a sink fed by
 * several partitions or windows has no one order), or in order where the fixture says so. Records are compared by
 * their canonical JSON (keys sorted), so key order never counts.
 */
import type { SinkComparison } from '../../shared/testing';

/** JSON text with every object's keys sorted. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** The fields of two records that differ (top level), as text. */
function fieldDiff(expected: unknown, received: unknown): { field: string; expected: string; received: string }[] {
  if (!isObject(expected) || !isObject(received)) return [];
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(received)])].sort();
  return keys
    .filter((k) => canonical(expected[k]) !== canonical(received[k]))
    .map((k) => ({
      field: k,
      expected: k in expected ? canonical(expected[k]) : '(absent)',
      received: k in received ? canonical(received[k]) : '(absent)',
    }));
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** How alike two records are: the fields they share with equal values. */
function likeness(a: unknown, b: unknown): number {
  if (!isObject(a) || !isObject(b)) return 0;
  return Object.keys(a).filter((k) => k in b && canonical(a[k]) === canonical(b[k])).length;
}

export function compareSink(
  nodeId: string,
  expected: unknown[],
  received: unknown[],
  ordered: boolean,
): SinkComparison {
  const base = { nodeId, ordered, expected: expected.length, received: received.length };
  if (ordered) {
    const n = Math.max(expected.length, received.length);
    const missing: string[] = [];
    const unexpected: string[] = [];
    const changed: SinkComparison['changed'] = [];
    let first: number | undefined;
    for (let i = 0; i < n; i++) {
      const e = i < expected.length ? canonical(expected[i]) : undefined;
      const r = i < received.length ? canonical(received[i]) : undefined;
      if (e === r) continue;
      first ??= i;
      if (e !== undefined && r !== undefined)
        changed.push({ expected: e, received: r, fields: fieldDiff(expected[i], received[i]) });
      else if (e !== undefined) missing.push(e);
      else unexpected.push(r!);
    }
    const ok = first === undefined;
    return { ...base, ok, missing, unexpected, changed, ...(ok ? {} : { firstDifference: first }) };
  }
  // As multisets: take away each received record from the expected ones; what is left on either side differs.
  const left = new Map<string, number>();
  for (const e of expected) left.set(canonical(e), (left.get(canonical(e)) ?? 0) + 1);
  const extra: unknown[] = [];
  for (const r of received) {
    const key = canonical(r);
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    else extra.push(r);
  }
  const short: unknown[] = [];
  for (const e of expected) {
    const key = canonical(e);
    const n = left.get(key) ?? 0;
    if (n > 0) {
      short.push(e);
      left.set(key, n - 1);
    }
  }
  // Pair each missing record with the unexpected one most like it: "coins: expected 12, received 10" reads better
  // than two whole records.
  const changed: SinkComparison['changed'] = [];
  const missing: string[] = [];
  for (const e of short) {
    let best = -1;
    let score = 0;
    extra.forEach((r, i) => {
      const s = likeness(e, r);
      if (s > score) [best, score] = [i, s];
    });
    if (best < 0) {
      missing.push(canonical(e));
      continue;
    }
    const [r] = extra.splice(best, 1);
    changed.push({ expected: canonical(e), received: canonical(r), fields: fieldDiff(e, r) });
  }
  const unexpected = extra.map(canonical);
  return { ...base, ok: !missing.length && !unexpected.length && !changed.length, missing, unexpected, changed };
}
