/**
 * How validation passes name places and words problems: JSON pointers, schema errors as messages, "did you mean".
 */
import type { z } from 'zod';
import type { ValidationIssue } from '../../shared/validation';

/** A JSON pointer from its parts (escaped). */
export const ptr = (...parts: (string | number)[]): string =>
  parts.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/** The pointer at a node's entry in the document, by its id. */
export const nodePointer = (nodes: readonly { id: string }[], id: string): string =>
  ptr(
    'nodes',
    nodes.findIndex((n) => n.id === id),
  );

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

export function zodIssues(
  error: z.ZodError,
  base: string,
  extra: Partial<ValidationIssue>,
  code: ValidationIssue['code'],
): ValidationIssue[] {
  return error.issues.flatMap((i) => {
    const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    // An unknown key is named at its own place (its line), one issue per key.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({
        code,
        pointer: base + ptr(...path, k),
        message: `${path.length ? `"${path.join('.')}": ` : ''}unknown field "${k}"`,
        ...extra,
      }));
    const field = path.length
      ? `"${path.join('.')}"${i.code === 'invalid_type' && i.message.endsWith('received undefined') ? ' ' : ': '}`
      : '';
    let message = i.message.replace(/^Invalid input: /, '');
    const missing = /^expected (.+), received undefined$/.exec(message);
    if (missing) message = `is required (${missing[1]})`;
    return [{ code, pointer: base + ptr(...path), message: field + message, ...extra }];
  });
}
