/**
 * Flink's job graph mapped back to Sluice's nodes. Flink names a vertex after its chained operators — e.g.
 * "Source: read[1] -> Calc[2] -> LocalWindowAggregate[3]" and "GlobalWindowAggregate[5] -> Calc[6] -> out[7]:
 * Writer" — with the tables' names (a source or sink table is named after its node). Windows are matched in order:
 * the k-th window aggregation of the plan is the k-th window node. Any other node (filter, map, key-by: Flink fuses
 * them into one Calc) belongs to the vertex of the nearest table or window upstream of it.
 */
import type { ResolvedPipeline } from '../document/resolved';
import type { JobVertex } from './rest';
import type { FlinkJobScript } from './sql/compile';

/** The node a statement of the script creates or fills (its first line, as SqlJob reports it). */
export function nodeOfStatement(firstLine: string, script: FlinkJobScript): string | undefined {
  const m = /^(?:CREATE (?:TEMPORARY VIEW|TABLE)|INSERT INTO) `((?:[^`]|``)+)`/.exec(firstLine.trim());
  return m ? script.objects[m[1]!.replace(/``/g, '`')] : undefined;
}

/** Tables named in a vertex's name ("Source: read[1]", "out[7]: Writer"). */
function tablesIn(name: string, script: FlinkJobScript): string[] {
  return Object.keys(script.objects).filter((t) => !t.includes(':') && name.includes(`${t}[`));
}

/** The node a failing task or vertex belongs to: its first table, else its window. */
export function nodeOfVertex(text: string, script: FlinkJobScript): string | undefined {
  const tables = tablesIn(text, script);
  if (tables.length) return script.objects[tables[0]!];
  return /WindowAggregate/.test(text) && script.windows.length === 1 ? script.windows[0] : undefined;
}

/** Which vertex runs each node of the Flink part. */
export function verticesByNode(
  vertices: readonly JobVertex[],
  script: FlinkJobScript,
  pipeline: ResolvedPipeline,
  nodes: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of vertices) for (const t of tablesIn(v.name, script)) out.set(script.objects[t]!, v.id);
  // Window aggregations in plan order: the global (or only) aggregate of each window.
  const aggs = vertices
    .flatMap((v) => [...v.name.matchAll(/(?<!Local)(?:Global)?WindowAggregate\[(\d+)\]/g)].map((m) => ({ v, n: Number(m[1]) })))
    .sort((a, b) => a.n - b.n);
  script.windows.forEach((w, i) => {
    if (aggs[i]) out.set(w, aggs[i]!.v.id);
  });
  const edges = pipeline.doc.edges;
  for (const id of nodes) {
    if (out.has(id)) continue;
    // The nearest placed node upstream.
    let at: string | undefined = id;
    while (at && !out.has(at)) at = edges.find((e) => e.to.node === at)?.from.node;
    if (at) out.set(id, out.get(at)!);
  }
  return out;
}
