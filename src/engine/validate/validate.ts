/**
 * Validating a pipeline: the passes in order, every problem reported (not just the first), and the pipeline
 * resolved against the node registry it is given.
 *
 * 1. document (document.ts)  2. nodes (nodes.ts)  3. edges (edges.ts)  4. plan (plan.ts)  5. event time (warnings,
 * event-time.ts). A pass runs only when the ones before found no error it depends on.
 */
import type { PipelineDocument } from '../../shared/document';
import { isError, type ValidationIssue, type ValidationResult } from '../../shared/validation';
import type { ParameterDeclaration, ResolvedParameter } from '../../shared/parameters';
import { ParameterResolver, type ParameterSupply } from '../params/resolve';
import type { NodeRegistry } from '../contract/registry';
import { JsonSyntaxError, locate, parseJsonWithLocations, type SourceLocation } from '../document/json-source';
import type { ResolvedPipeline } from '../document/resolved';
import { checkEnvelope } from './document';
import { checkEdges } from './edges';
import { eventTimeWarnings } from './event-time';
import { checkNodes } from './nodes';
import { checkPlan } from './plan';

export interface LoadResult extends ValidationResult {
  doc?: PipelineDocument;
  pipeline?: ResolvedPipeline;
  /** Each declared parameter's value in the environment validated for, and where it came from. */
  parameters?: ResolvedParameter[];
}

/**
 * Validate a parsed document value against the node types of `registry`, its parameters resolved with the values
 * `supply` gives (an environment's, the command line's; else their defaults).
 */
export function validateValue(value: unknown, registry: NodeRegistry, supply?: ParameterSupply): LoadResult {
  const { issues, stop, raw, envelope } = checkEnvelope(value);
  if (stop) return { ok: false, issues };
  const rawNodes: unknown[] = Array.isArray(raw.nodes) ? raw.nodes : [];
  const rawEdges: unknown[] = Array.isArray(raw.edges) ? raw.edges : [];
  const params = new ParameterResolver((envelope?.parameters ?? {}) as Record<string, ParameterDeclaration>, supply);
  issues.push(...params.issues);
  const { nodes, docNodes, seen } = checkNodes(rawNodes, registry, issues, params);
  const { edges, order } = checkEdges(rawEdges, nodes, seen, issues);
  const warnings = params.unused();
  if (issues.some(isError)) return { ok: false, issues: [...issues, ...warnings], parameters: params.resolved() };
  const doc: PipelineDocument = { ...(envelope as unknown as PipelineDocument), nodes: docNodes, edges };
  const pipeline: ResolvedPipeline = { doc, nodes, order };
  issues.push(...checkPlan(pipeline));
  if (issues.some(isError)) return { ok: false, issues: [...issues, ...warnings], parameters: params.resolved() };
  // Warnings: the pipeline runs, but what it computes may not be what its author means.
  issues.push(...warnings, ...eventTimeWarnings(pipeline));
  return { ok: true, issues, doc, pipeline, parameters: params.resolved() };
}

function placeIssues(locations: Parameters<typeof locate>[0], issues: ValidationIssue[]): void {
  for (const issue of issues) {
    const at: SourceLocation | undefined = locate(locations, issue.pointer);
    if (at) Object.assign(issue, at);
  }
}

/** Give issues found beyond validation (pointers into a document read from `text`) their line and column. */
export function locateIssues(text: string, issues: ValidationIssue[]): void {
  try {
    placeIssues(parseJsonWithLocations(text).locations, issues);
  } catch {
    // Not JSON: nothing to place them in.
  }
}

/** Parse and validate a document's text. Issues carry the line and column they point at (in its own file). */
export function loadDocumentText(text: string, registry: NodeRegistry, supply?: ParameterSupply): LoadResult {
  let parsed;
  try {
    parsed = parseJsonWithLocations(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      return {
        ok: false,
        issues: [{ code: 'json-syntax', pointer: '', message: err.message, line: err.line, column: err.column }],
      };
    }
    throw err;
  }
  const result = validateValue(parsed.value, registry, supply);
  placeIssues(
    parsed.locations,
    result.issues.filter((i) => i.file === undefined),
  );
  if (!result.doc && typeof parsed.value === 'object' && parsed.value !== null) {
    const v = parsed.value as Partial<PipelineDocument>;
    if (Array.isArray(v.nodes) && Array.isArray(v.edges)) result.doc = v as PipelineDocument;
  }
  return result;
}
