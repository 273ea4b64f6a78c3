import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolate, parameterRefs, resolvedForDisplay, wholeRef } from '../src/shared/parameters';
import { ParameterResolver, supplyOf, type ParameterSupply } from '../src/engine/params/resolve';
import { environmentFile, listEnvironments, readEnvironment, withSets } from '../src/engine/params/environments';
import { validateValue } from '../src/engine/validate/validate';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { findSecrets } from '../src/engine/secrets/scan';
import type { ValidationIssue } from '../src/shared/validation';
import { chain, tempDir } from './helpers';

describe('parameter references', () => {
  it('finds ${name} references; $${ is a literal ${', () => {
    expect(parameterRefs('${a}-x-${b.c}')).toEqual(['a', 'b.c']);
    expect(parameterRefs('cost $${price}')).toEqual([]);
    expect(interpolate('cost $${price} for ${n}', () => '3')).toBe('cost ${price} for 3');
    expect(wholeRef('${port}')).toBe('port');
    expect(wholeRef('${port}0')).toBeUndefined();
  });
});

describe('ParameterResolver', () => {
  const decls = {
    rate: { type: 'number' as const, default: 10 },
    topic: { type: 'string' as const, default: 'events' },
    on: { type: 'boolean' as const },
    key: { type: 'string' as const, secret: true },
  };
  const supply = (values: Record<string, unknown>, set: Record<string, string> = {}): ParameterSupply =>
    supplyOf({ env: 'ci', values, set });

  it('a whole reference takes the value with its type; a reference inside text is text', () => {
    const r = new ParameterResolver(decls, supply({ rate: 20 }, { on: 'true' }), () => 's3cret');
    const issues: ValidationIssue[] = [];
    const { config, notes, resolved } = r.config(
      { rate: '${rate}', topic: 'room-${topic}-${rate}', flags: ['${on}'], k: '${key}' },
      '/nodes/0/config',
      'n',
      issues,
    );
    expect(issues).toEqual([]);
    expect(resolved).toBe(true);
    expect(config).toEqual({ rate: 20, topic: 'room-events-20', flags: [true], k: 's3cret' });
    expect(notes.get('/nodes/0/config/rate')).toBe('${rate} = 20 (environment "ci")');
    expect(notes.get('/nodes/0/config/k')).toBe('${key} = •••• (secret) (secret store)');
    expect(r.resolved()).toEqual([
      { name: 'rate', value: 20, from: 'environment "ci"' },
      { name: 'topic', value: 'events', from: 'default' },
      { name: 'on', value: true, from: '--set' },
      { name: 'key', secret: true, from: 'secret store' },
    ]);
  });

  it('names an unknown parameter (with the nearest declared one) and one without a value, in the environment', () => {
    const r = new ParameterResolver(decls, supply({}), () => undefined);
    const issues: ValidationIssue[] = [];
    const { resolved } = r.config({ a: '${rat}', b: '${on}', c: '${key}' }, '/nodes/2/config', 'w', issues);
    expect(resolved).toBe(false);
    expect(issues.map((i) => [i.pointer, i.message])).toEqual([
      [
        '/nodes/2/config/a',
        'unknown parameter "rat"; did you mean "rate"?: declare it under "parameters" (declared: rate, topic, on, key)',
      ],
      [
        '/nodes/2/config/b',
        'parameter "on" has no value in environment "ci": give it in the environment file, with --set on=…, or as its default',
      ],
      [
        '/nodes/2/config/c',
        'secret parameter "key" has no value in environment "ci": keep it in the secret store ("param:key") or set SLUICE_SECRET_PARAM_KEY',
      ],
    ]);
    // A misspelt reference does not count as a use of the parameter it was meant for.
    expect(r.unused().map((i) => i.message)).toEqual([
      'parameter "rate" is declared but no node\'s config refers to it (${rate})',
      'parameter "topic" is declared but no node\'s config refers to it (${topic})',
    ]);
  });

  it('refuses a value of the wrong type, a secret given in a file or a default, and a value for an undeclared name', () => {
    const r = new ParameterResolver(
      { ...decls, key: { type: 'string', secret: true, default: 'x' } },
      supply({ rate: 'fast', key: 'k', rats: 1 }, { on: 'yes' }),
      () => undefined,
    );
    expect(r.issues.map((i) => i.message)).toEqual([
      'environment "ci" gives "rats", which the pipeline does not declare; did you mean "rate"?',
      'parameter "rate" (number) environment "ci": expected a number, found "fast"',
      'parameter "on" (boolean) --set: expected true or false, found "yes"',
      'parameter "key" is secret: it has no default in the file; keep its value in the secret store ("param:key") or SLUICE_SECRET_PARAM_KEY',
      'parameter "key" is secret: its value is never given in an environment file; keep it in the secret store ("param:key") or SLUICE_SECRET_PARAM_KEY',
    ]);
  });
});

describe('validation with parameters', () => {
  it('resolves per environment, and a config problem names the parameter and where its value came from', () => {
    const doc = {
      ...chain('p', [
        { id: 'room', type: 'live-room', config: { rate: '${rate}' } },
        { id: 'out', type: 'debug' },
      ]),
      parameters: { rate: { type: 'number', default: 100 } },
    };
    const ok = validateValue(doc, builtinRegistry);
    expect(ok.ok).toBe(true);
    expect((ok.pipeline!.nodes[0]!.config as { rate: number }).rate).toBe(100);
    // The document keeps the template: saving it writes ${rate} back, not the value.
    expect(ok.doc!.nodes[0]!.config.rate).toBe('${rate}');
    const bad = validateValue(doc, builtinRegistry, supplyOf({ env: 'prod', values: { rate: -1 } }));
    expect(bad.ok).toBe(false);
    expect(bad.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^"rate": Too small: .* — \$\{rate\} = -1 \(environment "prod"\)$/),
    ]);
  });

  it('a secret-named field may take a secret parameter, and no other', () => {
    expect(findSecrets({ password: '${pw}' }, '', (n) => n === 'pw')).toEqual([]);
    expect(findSecrets({ password: '${user}' }, '', (n) => n === 'pw')).toEqual([
      {
        pointer: '/password',
        why: 'a field named "password" takes parameter "user", which is not marked "secret": true',
      },
    ]);
  });

  it('shows a template resolved, a secret as dots, and names a parameter without a value', () => {
    const params = [
      { name: 'topic', value: 'staging.events', from: 'environment "staging"' },
      { name: 'pw', secret: true, from: 'secret store' },
      { name: 'n', from: 'no value' },
    ];
    expect(resolvedForDisplay(['${topic}'], params)).toEqual({
      text: '["staging.events"]',
      from: ['topic: environment "staging"'],
      missing: [],
    });
    expect(resolvedForDisplay('u:${pw}', params)?.text).toBe('"u:••••"');
    expect(resolvedForDisplay('${n}', params)?.missing).toEqual(['n']);
    expect(resolvedForDisplay('plain', params)).toBeUndefined();
  });
});

describe('environment files', () => {
  it('are found beside the pipeline and in environments/ (fixtures are not environments); a missing one lists those there are', () => {
    const dir = tempDir('envs');
    const p = join(dir, 'room.json');
    writeFileSync(p, '{}');
    writeFileSync(join(dir, 'room.staging.json'), '{"parameters":{}}');
    writeFileSync(join(dir, 'room.fixture.json'), '{}');
    writeFileSync(join(dir, 'room.late.fixture.json'), '{}');
    writeFileSync(join(dir, 'other.prod.json'), '{}');
    mkdirSync(join(dir, 'environments'));
    writeFileSync(join(dir, 'environments', 'prod.json'), '{"parameters":{}}');
    expect(listEnvironments(p).map((e) => e.name)).toEqual(['prod', 'staging']);
    expect(environmentFile(p, 'prod')).toBe(join(dir, 'environments', 'prod.json'));
    expect(() => environmentFile(p, 'qa')).toThrow(
      `no environment "qa" for ${p}: looked for ${join(dir, 'room.qa.json')} and ${join(dir, 'environments', 'qa.json')}; its environments: prod, staging`,
    );
    expect(() => environmentFile(p, '../x')).toThrow('environment file ../x does not exist');
  });

  it('a value that looks like a secret, and a file of the wrong shape, are refused at their line in that file', () => {
    const dir = tempDir('envs-bad');
    const f = join(dir, 'p.ci.json');
    writeFileSync(f, '{\n  "parameters": {\n    "url": "https://u:pw@host/x"\n  }\n}\n');
    const s = readEnvironment(f, 'ci');
    expect(s.issues).toEqual([
      expect.objectContaining({
        file: f,
        line: 3,
        code: 'secret',
        message: expect.stringContaining(
          'environment "ci": "url" looks like a secret (a URL with a user name and password)',
        ),
      }),
    ]);
    writeFileSync(f, '{\n  "params": {}\n}\n');
    expect(readEnvironment(f, 'ci').issues.map((i) => [i.line, i.message])).toEqual([
      [1, expect.stringContaining('an environment file is {"parameters": {"name": value, …}}')],
      [2, expect.stringContaining('an environment file is {"parameters"')],
    ]);
    expect(() => withSets({ values: {}, issues: [] }, ['novalue'])).toThrow('--set novalue: expected name=value');
  });
});
