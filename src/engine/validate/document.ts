/**
 * Pass 1, the document: a JSON object of this document version with the envelope's fields
 * (codes `structure`, `version`).
 */
import { PIPELINE_VERSION } from '../../shared/document';
import type { ValidationIssue } from '../../shared/validation';
import { documentEnvelopeSchema } from '../document/schema';
import { zodIssues } from './issues';

export interface EnvelopeResult {
  issues: ValidationIssue[];
  /** Not a document of a version this Sluice reads: nothing more can be checked. */
  stop: boolean;
  raw: Record<string, unknown>;
  /** The envelope's fields, where they parsed. */
  envelope: Record<string, unknown> | undefined;
}

export function checkEnvelope(value: unknown): EnvelopeResult {
  const issues: ValidationIssue[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      stop: true,
      raw: {},
      envelope: undefined,
      issues: [
        {
          code: 'structure',
          pointer: '',
          message: 'expected a JSON object with "version", "name", "nodes" and "edges"',
        },
      ],
    };
  }
  const raw = value as Record<string, unknown>;
  if (typeof raw.version === 'number' && raw.version > PIPELINE_VERSION) {
    issues.push({
      code: 'version',
      pointer: '/version',
      message: `this file was written by a newer Sluice (document version ${raw.version}); this Sluice reads version ${PIPELINE_VERSION}`,
    });
    return { stop: true, raw, envelope: undefined, issues };
  }
  if (raw.version !== PIPELINE_VERSION) {
    issues.push({
      code: 'version',
      pointer: '/version',
      message: `expected "version": ${PIPELINE_VERSION}, found ${JSON.stringify(raw.version) ?? 'nothing'}`,
    });
  }
  const env = documentEnvelopeSchema.safeParse(raw);
  if (!env.success) issues.push(...zodIssues(env.error, '', {}, 'structure').filter((i) => i.pointer !== '/version'));
  return { stop: false, raw, envelope: env.success ? (env.data as Record<string, unknown>) : undefined, issues };
}
