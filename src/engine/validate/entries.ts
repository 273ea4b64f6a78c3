/**
 * Parsing the entries of `nodes` and `edges` one by one, so that one bad entry does not hide the others.
 */
import type { z } from 'zod';
import type { ValidationIssue } from '../../shared/validation';
import { ptr, zodIssues } from './issues';

/**
 * Parse one node or edge envelope at `/nodes/i` or `/edges/i`; report its structural problems or a duplicate id,
 * naming it by its id where it has one.
 */
export function parseEntry<T extends { id: string }>(
  schema: z.ZodType<T>,
  raw: unknown,
  kind: 'node' | 'edge',
  i: number,
  seen: Map<string, number>,
  issues: ValidationIssue[],
): T | undefined {
  const base = ptr(`${kind}s`, i);
  const rawId = (raw as { id?: unknown } | null)?.id;
  const name = (id: string) => (kind === 'node' ? { nodeId: id } : { edgeId: id });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, base, typeof rawId === 'string' ? name(rawId) : {}, 'structure'));
    return undefined;
  }
  const { id } = parsed.data;
  if (seen.has(id)) {
    issues.push({
      code: 'duplicate-id',
      pointer: base + '/id',
      ...name(id),
      message: `duplicate ${kind} id "${id}" (also used by /${kind}s/${seen.get(id)})`,
    });
    return undefined;
  }
  seen.set(id, i);
  return parsed.data;
}
