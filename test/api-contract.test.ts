import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../src/engine/nodes/registry';
import {
  API_METHODS,
  API_STREAMS,
  apiContract,
  METHOD_ARGS,
  type MethodArgs,
} from '../src/engine/services/api-contract';
import { createStudioService } from '../src/engine/services/studio';
import { ROOT, tempDir } from './helpers';
import { join } from 'node:path';

describe('the API is declared once', () => {
  it('the type checker refuses a declaration that drifts from the interface (checked by `npm run typecheck`)', () => {
    const { validate: _dropped, ...missing } = METHOD_ARGS;
    // @ts-expect-error a method of the interface without its argument schema
    const lacking: MethodArgs = missing;
    // @ts-expect-error an argument of another type than the interface says (validate takes a string)
    const wrongType: MethodArgs = { ...METHOD_ARGS, validate: z.tuple([z.number()]) };
    // @ts-expect-error a method the interface does not have
    const extra: MethodArgs = { ...METHOD_ARGS, frobnicate: z.tuple([]) } satisfies MethodArgs;
    expect([lacking, wrongType, extra]).toHaveLength(3);
  });

  it('the method and stream lists are the declaration’s keys; arguments are checked against it, in words', () => {
    expect(API_METHODS).toContain('listNodeTypes');
    expect(API_METHODS).toHaveLength(Object.keys(METHOD_ARGS).length);
    expect(API_STREAMS).toEqual(['preview', 'tap', 'kafkaTail']);
    expect(apiContract.isMethod('openPipeline')).toBe(true);
    expect(apiContract.isMethod('preview')).toBe(false);
    expect(apiContract.check('openPipeline', [3])).toBe('argument 1: expected string, received number');
    expect(apiContract.check('run', ['x'])).toBe('argument 1: expected a pipeline document (an object)');
    expect(apiContract.check('listNodeTypes', [1])).toBe('takes 0 arguments, got 1');
    // Trailing optional arguments: stop's options, run's target.
    expect(apiContract.check('stop', [])).toBeUndefined();
    expect(apiContract.check('stop', [{ savepoint: true }, 2])).toBe('takes 0 to 1 arguments, got 2');
    expect(apiContract.check('run', [{}, { kind: 'flink' }])).toMatch(/^argument 2 at profile: /);
    expect(apiContract.check('run', [{}, { kind: 'flink', profile: 'local' }])).toBeUndefined();
  });

  it('every method and stream is served by exactly one domain service', () => {
    const service = createStudioService({
      registry: builtinRegistry,
      resourcesDir: join(ROOT, 'resources'),
      workspaceDir: tempDir('contract'),
    }) as unknown as Record<string, unknown>;
    for (const name of [...API_METHODS, ...API_STREAMS]) expect(typeof service[name], name).toBe('function');
  });
});
