/**
 * Pipeline tests (`sluice test`, the studio's Tests panel): a fixture gives input records per source and the records
 * each sink is expected to receive; the pipeline runs in-process with its sources and sinks replaced by the
 * fixture's, and what each sink got is compared with what was expected.
 */

/** What one sink got against what the fixture expects. */
export interface SinkComparison {
  nodeId: string;
  ok: boolean;
  /** Whether order counts (`"ordered"` in the fixture); otherwise records are compared as a multiset. */
  ordered: boolean;
  expected: number;
  received: number;
  /** Expected and not received (each as canonical JSON text). */
  missing: string[];
  /** Received and not expected. */
  unexpected: string[];
  /** A missing record and the unexpected one most like it, with the fields that differ. */
  changed: { expected: string; received: string; fields: { field: string; expected: string; received: string }[] }[];
  /** Ordered sinks: the first position where they part. */
  firstDifference?: number;
}

/** One fixture's result. */
export interface FixtureResult {
  /** The fixture's name: its file name without `.fixture.json`. */
  name: string;
  file: string;
  ok: boolean;
  /** Why it could not run at all (a fixture that does not fit the pipeline, a run that failed). */
  error?: string;
  sinks: SinkComparison[];
  /** What each sink received (canonical JSON per record), for `--update` and the studio. */
  received: Record<string, unknown[]>;
  /** Sinks the fixture does not check, and media nodes left out of the test. */
  notes: string[];
  durationMs: number;
}

/** A readable account of a failed fixture, one line per difference (what `sluice test` prints). */
export function describeFailure(r: FixtureResult): string[] {
  if (r.error) return [`  ${r.error}`];
  const lines: string[] = [];
  for (const s of r.sinks) {
    if (s.ok) continue;
    lines.push(
      `  sink "${s.nodeId}": expected ${s.expected} record(s), received ${s.received}${s.ordered ? ' (in order)' : ''}`,
    );
    if (s.firstDifference !== undefined) lines.push(`    first difference at record ${s.firstDifference}`);
    for (const c of s.changed) {
      lines.push(`    ~ ${c.received}`);
      for (const f of c.fields) lines.push(`        ${f.field}: expected ${f.expected}, received ${f.received}`);
    }
    for (const m of s.missing) lines.push(`    - ${m}   (expected, not received)`);
    for (const u of s.unexpected) lines.push(`    + ${u}   (received, not expected)`);
  }
  return lines;
}
