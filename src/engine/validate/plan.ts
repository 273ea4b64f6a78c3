/**
 * Pass 4, the plan: every node placed on an executor that can run it — media groups of a shape ffmpeg can run, no
 * node left without an executor (codes `media-group`, `executor`).
 */
import type { ValidationIssue } from '../../shared/validation';
import type { ResolvedPipeline } from '../document/resolved';
import { planPipeline } from '../plan/plan';
import { nodePointer } from './issues';

export function checkPlan(pipeline: ResolvedPipeline): ValidationIssue[] {
  return planPipeline(pipeline).problems.map((p) => ({
    code: p.code,
    pointer: nodePointer(pipeline.doc.nodes, p.nodeId),
    nodeId: p.nodeId,
    message: p.message,
  }));
}
