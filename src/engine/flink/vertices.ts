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
  windows: ReadonlyMap<string, WindowOps>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of vertices) for (const t of tablesIn(v.name, script)) out.set(script.objects[t]!, v.id);
  // A window runs where its global (or only) aggregation is.
  for (const [w, ops] of windows) {
    const n = ops.global ?? ops.single;
    const v =
      n === undefined
        ? undefined
        : vertices.find((x) => new RegExp(`(^|[ >])(Global)?WindowAggregate\\[${n}\\]`).test(x.name));
    if (v) out.set(w, v.id);
  }
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

/** The window operators of a job's plan for each window node: local, global (two-phase) or single, by operator id. */
export interface WindowOps {
  local?: number;
  global?: number;
  single?: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Match window nodes to the plan's window aggregations by their shape (TUMBLE/HOP, size, slide, as Flink's plan
 * describes them: "window=[HOP(…, size=[5 s], slide=[1 s])]"); windows of the same shape in plan order.
 */
export function windowOperators(
  plan: { nodes: { description: string }[] },
  pipeline: ResolvedPipeline,
  windows: readonly string[],
): Map<string, WindowOps> {
  const found: { n: number; role: keyof WindowOps; sig: string }[] = [];
  const ms = (spec: string, what: string) => {
    const m = new RegExp(`${what}=\\[([\\d.]+) (\\w+)\\]`).exec(spec);
    return m ? Math.round(Number(m[1]) * (UNIT_MS[m[2]!] ?? NaN)) : undefined;
  };
  for (const node of plan.nodes)
    for (const m of node.description.matchAll(
      /\[(\d+)\]:(Local|Global)?WindowAggregate\(.*?window=\[(TUMBLE|HOP)\(([^)]*)\)/g,
    )) {
      const kind = m[3] === 'HOP' ? 'sliding' : 'tumbling';
      const size = ms(m[4]!, 'size');
      const slide = kind === 'sliding' ? ms(m[4]!, 'slide') : size;
      found.push({
        n: Number(m[1]),
        role: m[2] === 'Local' ? 'local' : m[2] === 'Global' ? 'global' : 'single',
        sig: `${kind}/${size}/${slide}`,
      });
    }
  found.sort((a, b) => a.n - b.n);
  const cfg = new Map(
    pipeline.nodes.map((n) => [n.id, n.config as { kind: string; sizeMs: number; slideMs?: number }]),
  );
  const out = new Map<string, WindowOps>();
  const taken = new Set<number>();
  for (const w of windows) {
    const c = cfg.get(w)!;
    const sig = `${c.kind}/${c.sizeMs}/${c.kind === 'sliding' ? c.slideMs : c.sizeMs}`;
    const ops: WindowOps = {};
    for (const role of ['local', 'global', 'single'] as const) {
      const f = found.find((x) => x.role === role && x.sig === sig && !taken.has(x.n));
      if (f) {
        ops[role] = f.n;
        taken.add(f.n);
      }
    }
    out.set(w, ops);
  }
  return out;
}
