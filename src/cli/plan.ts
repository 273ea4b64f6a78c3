/**
 * `sluice plan <file>`: where each node of a pipeline runs (which executor) and why, its media groups and the
 * edges the in-process runtime chains.
 */
import type { PlanView } from '../shared/plan';

/** The plan in words, one node a line, grouped by executor. */
export function planText(plan: PlanView): string {
  const lines: string[] = [];
  const count = plan.nodes.length;
  lines.push(
    `${plan.pipeline}: ${count} node${count === 1 ? '' : 's'} on ${plan.executors.length} executor${plan.executors.length === 1 ? '' : 's'}`,
  );
  const width = Math.max(...plan.nodes.map((n) => n.nodeId.length), 4);
  const typeWidth = Math.max(...plan.nodes.map((n) => n.type.length), 4);
  const byId = new Map(plan.nodes.map((n) => [n.nodeId, n]));
  const row = (id: string, indent: string) => {
    const n = byId.get(id)!;
    return `${indent}${n.nodeId.padEnd(width)}  ${n.type.padEnd(typeWidth)}  ${n.reason}`;
  };
  for (const ex of plan.executors) {
    lines.push('', `${ex.kind} — ${ex.title}`);
    if (ex.kind === 'ffmpeg') {
      for (const g of plan.mediaGroups) {
        const inputs = [g.video, ...(g.audio ? [g.audio] : [])].join(' + ');
        lines.push(`  ${g.id}: ${inputs} → ${g.encoder} → ${g.outputs.join(', ')} (one ffmpeg process)`);
        for (const id of [g.video, ...(g.audio ? [g.audio] : []), g.encoder, ...g.outputs]) lines.push(row(id, '    '));
      }
    } else {
      for (const id of ex.nodes) lines.push(row(id, '  '));
    }
  }
  if (plan.chainedEdges.length) {
    lines.push(
      '',
      `chained in-process (no queue between): ${plan.chainedEdges.map((e) => `${e.id} ${e.from} → ${e.to}`).join(', ')}`,
    );
  }
  return lines.join('\n') + '\n';
}
