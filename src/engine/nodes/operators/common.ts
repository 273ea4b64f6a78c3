/**
 * Shared pieces of the expression operators.
 */
import { z } from 'zod';
import type { PortInfo } from '../../../shared/spec';

export const recordIn: PortInfo[] = [{ name: 'in', type: 'record', description: 'Records to process.' }];

export const expressionField = (description: string, example: string): z.ZodString =>
  z.string().min(1, 'an expression is required').describe(`${description} JSONata, e.g. \`${example}\`.`);

/** JSONata's `$boolean` casting: how a filter decides whether a result means "keep". */
export function jsonataBoolean(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(jsonataBoolean);
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'boolean':
      return v;
    case 'function':
      return false;
    default:
      return Object.keys(v).length > 0;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
