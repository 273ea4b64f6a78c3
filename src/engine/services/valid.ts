/**
 * A document the studio sent, validated for a service that needs it runnable: its resolved pipeline, or a refusal
 * listing every problem.
 */
import { StudioError } from '../../shared/api';
import type { PipelineDocument } from '../../shared/document';
import type { NodeRegistry } from '../contract/registry';
import type { ResolvedPipeline } from '../document/resolved';
import { validateValue } from '../validate/validate';
import type { ParameterChoice } from '../../shared/parameters';
import { supplyOf } from '../params/resolve';

/** The resolved pipeline; `when` ends the refusal: "fix them first", "fix them before running". */
export function validPipeline(
  doc: PipelineDocument,
  registry: NodeRegistry,
  when = 'first',
  params?: ParameterChoice,
): ResolvedPipeline {
  const loaded = validateValue(doc, registry, supplyOf(params));
  if (!loaded.pipeline)
    throw new StudioError(
      `the pipeline has ${loaded.issues.length} problem(s); fix them ${when}`,
      'invalid',
      loaded.issues,
    );
  return loaded.pipeline;
}
