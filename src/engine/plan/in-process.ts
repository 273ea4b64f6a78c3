/**
 * The in-process executor's passes: how the engine's own runtime runs the nodes placed on it — which edges are
 * chained (no queue between the nodes), which nodes may change their input in place, which run on the event-time
 * clock their sources send.
 */
import type { ResolvedPipeline } from '../document/resolved';

/**
 * The edges into a chainable (stateless) operator where nothing else meets: the upstream port has only this edge,
 * the downstream node only this input, and the edge asks for no queue settings of its own. As in Flink, a source
 * chains with the operators after it; the first queue then sits after the chain.
 */
export function chainableEdges(pipeline: ResolvedPipeline): string[] {
  const spec = new Map(pipeline.nodes.map((n) => [n.id, n.spec]));
  const edges = pipeline.doc.edges;
  const fromPort = (e: (typeof edges)[number]) =>
    edges.filter((x) => x.from.node === e.from.node && x.from.port === e.from.port).length;
  const intoNode = (e: (typeof edges)[number]) => edges.filter((x) => x.to.node === e.to.node).length;
  return edges
    .filter((e) => spec.get(e.to.node)?.chainable && !e.queue && fromPort(e) === 1 && intoNode(e) === 1)
    .map((e) => e.id);
}

/**
 * The nodes whose input records nobody else holds (see `NodeContext.exclusiveInput`): every edge into the node is
 * the only edge on its upstream port, and the upstream node is a source, or itself has exclusive input, and keeps
 * nothing it emits.
 */
export function exclusiveInputNodes(pipeline: ResolvedPipeline): Set<string> {
  const spec = new Map(pipeline.nodes.map((n) => [n.id, n.spec]));
  const edges = pipeline.doc.edges;
  const exclusive = new Set<string>();
  for (const id of pipeline.order) {
    const into = edges.filter((e) => e.to.node === id);
    const ok = into.every((e) => {
      const up = spec.get(e.from.node)!;
      const alone = edges.filter((x) => x.from.node === e.from.node && x.from.port === e.from.port).length === 1;
      return alone && !up.keepsEmitted && (up.inputs.length === 0 || exclusive.has(e.from.node));
    });
    if (into.length > 0 && ok) exclusive.add(id);
  }
  return exclusive;
}

/**
 * The nodes that run on event time sent by their sources (see watermark.ts): a source that declares `eventTime`,
 * and a node whose every input comes from such nodes. Elsewhere a window keeps a watermark of its own.
 */
export function clockedNodes(pipeline: ResolvedPipeline): Set<string> {
  const spec = new Map(pipeline.nodes.map((n) => [n.id, n.spec]));
  const clocked = new Set<string>();
  for (const id of pipeline.order) {
    const into = pipeline.doc.edges.filter((e) => e.to.node === id);
    if (into.length ? into.every((e) => clocked.has(e.from.node)) : spec.get(id)?.eventTime) clocked.add(id);
  }
  return clocked;
}
