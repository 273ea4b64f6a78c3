/**
 * Warnings about event time, where a pipeline runs but would compute something its author does not mean:
 * - A window with `scope: partition` gives one result per key, window and Kafka partition. That is one result per
 *   key only where every record of a key is on one partition: the topic is keyed by what the window groups by. Warn
 *   when that is not known to hold, so partial sums are never a silent surprise.
 * - A Kafka source makes its watermark from its `timeField`; a window reads event time from its own. Where nothing
 *   between them could move the time (no `map`), the two must name the same field, or the watermark runs on other
 *   times than the windows (records without the field count with their Kafka timestamp).
 */
import type { ValidationIssue } from '../../shared/validation';
import type { ResolvedNode, ResolvedPipeline } from '../document/resolved';

const cfg = (n: ResolvedNode): Record<string, unknown> => n.config as Record<string, unknown>;
const same = (a: unknown, b: unknown): boolean =>
  typeof a === 'string' && typeof b === 'string' && a.trim() === b.trim();

/**
 * Visit every node upstream of `id`, on every path, carrying a state along the path: `step` gives the state past a
 * node, or undefined to go no further that way. Each node is visited once per state.
 */
function walkUpstream<S extends string | boolean>(
  pipeline: ResolvedPipeline,
  id: string,
  start: S,
  step: (n: ResolvedNode, s: S) => S | undefined,
): void {
  const byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const walk = (at: string, state: S): void => {
    for (const e of pipeline.doc.edges) {
      const n = e.to.node === at ? byId.get(e.from.node) : undefined;
      const visit = n && `${n.id}\u0000${String(state)}`;
      if (!n || seen.has(visit!)) continue;
      seen.add(visit!);
      const next = step(n, state);
      if (next !== undefined) walk(n.id, next);
    }
  };
  walk(id, start);
}

/** The key-by nodes setting `field` nearest upstream of `id` on each path, and the Kafka sources upstream. */
function upstream(
  pipeline: ResolvedPipeline,
  id: string,
  field: string,
): { keyBys: ResolvedNode[]; sources: ResolvedNode[]; unkeyed: boolean } {
  const keyBys = new Set<ResolvedNode>();
  const sources = new Set<ResolvedNode>();
  let unkeyed = false;
  walkUpstream<boolean>(pipeline, id, false, (n, keyed) => {
    if (!keyed && n.spec.type === 'key-by' && cfg(n).field === field) {
      keyBys.add(n);
      keyed = true;
    }
    if (n.spec.type === 'kafka-source') {
      sources.add(n);
      if (!keyed) unkeyed = true;
    }
    return keyed;
  });
  return { keyBys: [...keyBys], sources: [...sources], unkeyed };
}

/** Whether a key-by's key is the Kafka message key of every topic the sources read. */
function keyIsMessageKey(
  pipeline: ResolvedPipeline,
  key: string,
  sources: ResolvedNode[],
): { ok: boolean; topics: string[] } {
  if (same(key, '_kafka.key')) return { ok: true, topics: [] };
  const topics = sources.flatMap((s) => (cfg(s).topics as string[] | undefined) ?? []);
  const patterned = sources.some((s) => cfg(s).pattern);
  const writers = pipeline.nodes.filter((n) => n.spec.type === 'kafka-sink');
  const ok =
    !patterned &&
    topics.length > 0 &&
    topics.every((t) => writers.some((w) => cfg(w).topic === t && same(cfg(w).key, key)));
  return { ok, topics };
}

const pointer = (pipeline: ResolvedPipeline, id: string, field: string): string =>
  `/nodes/${pipeline.doc.nodes.findIndex((d) => d.id === id)}/config/${field}`;

/** The Kafka sources upstream of `id` reached without passing a `map` (which could set the time field). */
function unmappedSources(pipeline: ResolvedPipeline, id: string): ResolvedNode[] {
  const found = new Set<ResolvedNode>();
  walkUpstream<boolean>(pipeline, id, true, (n) => {
    if (n.spec.type === 'map') return undefined;
    if (n.spec.type === 'kafka-source') found.add(n);
    return true;
  });
  return [...found];
}

function timeFieldWarnings(pipeline: ResolvedPipeline): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const n of pipeline.nodes) {
    if (n.spec.type !== 'window') continue;
    const field = String(cfg(n).timeField ?? 'ts');
    for (const s of unmappedSources(pipeline, n.id)) {
      const theirs = String(cfg(s).timeField ?? 'ts');
      if (theirs === field) continue;
      issues.push({
        code: 'config',
        severity: 'warning',
        pointer: pointer(pipeline, n.id, 'timeField'),
        nodeId: n.id,
        message: `the window reads event time from "${field}", but Kafka source "${s.id}" makes its watermark from "${theirs}": set the source's timeField to "${field}", or the watermark runs on other times than the windows`,
      });
    }
  }
  return issues;
}

/** Every event-time warning of a resolved pipeline. */
export function eventTimeWarnings(pipeline: ResolvedPipeline): ValidationIssue[] {
  return [...partitionScopeWarnings(pipeline), ...timeFieldWarnings(pipeline)];
}

function partitionScopeWarnings(pipeline: ResolvedPipeline): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const n of pipeline.nodes) {
    if (n.spec.type !== 'window' || cfg(n).scope !== 'partition') continue;
    const keyField = String(cfg(n).keyField ?? 'key');
    const { keyBys, sources, unkeyed } = upstream(pipeline, n.id, keyField);
    if (!sources.length) continue; // no Kafka records: one set of windows, nothing per partition
    const warn = (why: string) =>
      issues.push({
        code: 'config',
        severity: 'warning',
        pointer: pointer(pipeline, n.id, 'scope'),
        nodeId: n.id,
        message: `scope "partition": results are per Kafka partition, and ${why}: a key whose records are on several partitions gets a partial result from each. Use scope "all" for one result per key, or key the topic by the window's key`,
      });
    if (unkeyed) warn(`nothing upstream keys the records into "${keyField}" (add a key-by)`);
    for (const k of keyBys) {
      const key = String(cfg(k).key);
      const { ok, topics } = keyIsMessageKey(pipeline, key, sources);
      if (!ok) {
        const list = topics.map((t) => `"${t}"`).join(', ') || 'the topics read';
        warn(
          `key-by "${k.id}" keys by \`${key}\`, which is not known to be the message key of ${list} (no kafka-sink in this pipeline writes ${topics.length > 1 ? 'them' : 'it'} with key \`${key}\`; \`_kafka.key\` is the message key)`,
        );
      }
    }
  }
  return issues;
}
