/**
 * Property tests (fast-check): random and mutated input to the document loader and to every API message handler
 * never crashes the process and always gets an error that names the place — a line and column and a JSON pointer in
 * a pipeline file; the method and argument in an API message — while the engine keeps answering.
 */
import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocumentText, validateValue } from '../src/engine/validate/validate';
import { createStudioService, serveStudio, type StudioService } from '../src/engine/services/studio';
import { API_METHODS, API_STREAMS, apiContract } from '../src/engine/services/api-contract';
import { type MessagePortLike } from '../src/shared/rpc';
import { ROOT, tempDir } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

const demoText = readFileSync(join(ROOT, 'resources/pipelines/live-room.json'), 'utf8');
const demo = JSON.parse(demoText) as Record<string, unknown>;

/** Every issue names its place: a line and column in the text, and a pointer into the document (or the syntax error's spot). */
function expectPlaced(issues: ReturnType<typeof loadDocumentText>['issues']): void {
  for (const i of issues) {
    expect(i.message.length, JSON.stringify(i)).toBeGreaterThan(0);
    expect(i.line, JSON.stringify(i)).toBeGreaterThanOrEqual(1);
    expect(i.column, JSON.stringify(i)).toBeGreaterThanOrEqual(1);
    if (i.code !== 'json-syntax') expect(i.pointer, JSON.stringify(i)).toMatch(/^(\/|$)/);
  }
}

const json = fc.jsonValue({ maxDepth: 3 });

/** The path of every value in a JSON document, as keys. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

type Mutation =
  | { kind: 'set'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'rename'; to: string }
  | { kind: 'duplicate' };

/** Apply one mutation at a path of a copy of `doc`. */
function mutate(doc: unknown, path: (string | number)[], m: Mutation): unknown {
  const copy = structuredClone(doc);
  if (path.length === 0) return m.kind === 'set' ? m.value : copy;
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as
    | Record<string | number, unknown>
    | unknown[];
  const key = path.at(-1)!;
  if (m.kind === 'set') (parent as Record<string | number, unknown>)[key] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (m.kind === 'duplicate') {
    if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
  } else if (!Array.isArray(parent)) {
    parent[m.to] = parent[key];
    delete parent[key];
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  json.map((value) => ({ kind: 'set' as const, value })),
  fc.constant({ kind: 'delete' as const }),
  fc.string({ maxLength: 12 }).map((to) => ({ kind: 'rename' as const, to })),
  fc.constant({ kind: 'duplicate' as const }),
);

describe('the document loader, on random and mutated input', () => {
  it('any text: never throws; a verdict, and each problem with its line, column and place', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          json.map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const r = loadDocumentText(text, builtinRegistry);
          expect(r.ok).toBe(r.issues.length === 0);
          expectPlaced(r.issues);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the demo pipeline with one to three mutations anywhere: never throws, every problem placed, a valid result stays valid when saved and loaded again', () => {
    const all = paths(demo);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(all.length - 1), mutation), { minLength: 1, maxLength: 3 }), (mutations) => {
        let doc: unknown = demo;
        for (const [i, m] of mutations) {
          const ps = paths(doc);
          doc = mutate(doc, ps[i % ps.length]!, m);
        }
        const text = JSON.stringify(doc, null, 2);
        const r = loadDocumentText(text, builtinRegistry);
        expectPlaced(r.issues);
        if (r.ok) expect(loadDocumentText(JSON.stringify(r.doc, null, 2), builtinRegistry).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the demo pipeline cut short or with a character changed: a syntax error with its line and column, or problems placed', () => {
    fc.assert(
      fc.property(
        fc.nat(demoText.length - 1),
        fc.oneof(fc.constant(''), fc.string({ minLength: 1, maxLength: 2 })),
        fc.boolean(),
        (at, insert, cut) => {
          const text = cut ? demoText.slice(0, at) : demoText.slice(0, at) + insert + demoText.slice(at + 1);
          const r = loadDocumentText(text, builtinRegistry);
          expectPlaced(r.issues);
          if (r.issues[0]?.code === 'json-syntax')
            expect(r.issues[0].line).toBeLessThanOrEqual(text.split('\n').length + 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('found by the properties: a bad escape inside a string is a syntax error at its line and column (it used to escape as a bare SyntaxError)', () => {
    const r = loadDocumentText('{\n  "version": 1,\n  "name": "a\\x"\n}', builtinRegistry);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'json-syntax', line: 3, column: 11 })]);
    expect(r.issues[0]!.message).toMatch(/^Bad escape in a string/);
  });

  it('any value handed to validation (as the API does): never throws; each problem has a pointer', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (value) => {
        const r = validateValue(value, builtinRegistry);
        expect(r.ok).toBe(r.issues.length === 0);
        for (const i of r.issues) {
          expect(i.message.length).toBeGreaterThan(0);
          expect(i.pointer).toMatch(/^(\/|$)/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('every API message handler, on random and mutated messages', () => {
  let service: StudioService;
  let replies: string[] = [];
  let deliver: (m: string) => void;
  let detach: () => void;
  beforeAll(() => {
    process.env.SLUICE_SETTINGS = join(tempDir('prop-settings'), 'settings.json');
    service = createStudioService({
      registry: builtinRegistry,
      resourcesDir: join(ROOT, 'resources'),
      workspaceDir: tempDir('prop-ws'),
      preview: false,
    });
    const listeners = new Set<(m: string) => void>();
    const port: MessagePortLike = {
      send: (m) => replies.push(m),
      onMessage: (fn) => {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
    };
    deliver = (m) => listeners.forEach((fn) => fn(m));
    detach = serveStudio(port, service);
  });
  afterAll(async () => {
    detach();
    await service.stop();
  });

  /** Send one raw message and wait for what the server answers (a reply, or nothing for a subscription). */
  const exchange = async (raw: string): Promise<Record<string, unknown>[]> => {
    replies = [];
    deliver(raw);
    for (let i = 0; i < 50 && replies.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    return replies.map((r) => JSON.parse(r) as Record<string, unknown>);
  };

  // Methods that a random argument could send somewhere real: a workspace anywhere on disk, a trial encode of every
  // encoder. They get the random messages too, but never arguments their checks would pass.
  const reaching = new Set(['setWorkspace', 'encoderProbe']);
  const methods = API_METHODS.filter((m) => !reaching.has(m));

  it('any text as a message: an error reply that says it is malformed or unknown; the connection answers the next call', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          json.map((v) => JSON.stringify(v)),
        ),
        async (raw) => {
          const got = await exchange(raw);
          for (const r of got) {
            if (r.t !== 'error' && r.t !== 'end') continue;
            const message = r.t === 'error' ? (r.error as { message: string }).message : String(r.error);
            expect(message).toMatch(/malformed|unknown|args|argument|already open|streams/);
          }
        },
      ),
      { numRuns: 300 },
    );
    const ok = await exchange(JSON.stringify({ t: 'call', id: 1, method: 'listNodeTypes', args: [] }));
    expect(ok[0]).toMatchObject({ t: 'result', id: 1 });
  });

  it('every method with random arguments: one reply with the call’s id; refused arguments name the method and which argument', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods, ...reaching),
        fc.oneof(fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }), fc.anything({ maxDepth: 2 })),
        fc.nat(1_000_000),
        async (method, args, id) => {
          if (
            reaching.has(method) &&
            apiContract.check(method as never, Array.isArray(args) ? args : [args]) === undefined
          )
            return;
          const got = await exchange(JSON.stringify({ t: 'call', id, method, args }));
          const reply = got.find((r) => r.id === id);
          expect(reply, `${method}(${JSON.stringify(args)}) answered`).toBeDefined();
          if (reply!.t === 'error') {
            const e = reply!.error as { message: string; code: string };
            expect(e.message.length).toBeGreaterThan(0);
            if (e.code === 'bad-args')
              expect(e.message).toMatch(
                new RegExp(
                  `^${method}: (args must be an array|takes \\d+( to \\d+)? arguments?, got \\d+|argument \\d+( at [^:]+)?: .+)$`,
                ),
              );
          } else expect(reply!.t).toBe('result');
        },
      ),
      { numRuns: 400 },
    );
    await service.stop();
    expect((await exchange(JSON.stringify({ t: 'call', id: 2, method: 'status', args: [] })))[0]).toMatchObject({
      t: 'result',
      id: 2,
    });
  }, 120_000);

  it('every stream with random arguments: refused in words, or opened and closed again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...API_STREAMS),
        fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
        fc.nat(1_000_000),
        async (stream, args, id) => {
          const got = await exchange(JSON.stringify({ t: 'open', id, stream, args }));
          const end = got.find((r) => r.t === 'end' && r.id === id);
          if (end)
            expect(String(end.error)).toMatch(
              new RegExp(
                `^${stream}: (takes \\d+( to \\d+)? arguments?, got \\d+|argument \\d+( at [^:]+)?: .+)$|no |not |nothing|cannot|unknown`,
              ),
            );
          await exchange(JSON.stringify({ t: 'close', id }));
        },
      ),
      { numRuns: 60 },
    );
  });
});
