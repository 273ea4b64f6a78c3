import { describe, expect, it } from 'vitest';
import { BAIL, compileExpression } from '../src/engine/expression/expression';
import { prng } from '../src/engine/nodes/sources/random';

const FIELDS = [
  'type',
  'room',
  'user',
  'coins',
  'count',
  'ts',
  'text',
  'flag',
  'nested',
  'missing',
  'nothing',
  'list',
  'neg',
  'zero',
  'empty',
  'numstr',
];

/** Records with every kind of value a field can hold, and fields that are missing. */
function record(rnd: () => number, i: number): Record<string, unknown> {
  const r: Record<string, unknown> = {
    type: ['gift', 'like', 'chat', 'Gift'][i % 4],
    room: `room-${i % 5}`,
    user: `User-${Math.floor(rnd() * 50)}`,
    ts: 1_700_000_000_000 + i * 7,
    neg: -(i % 7) - 0.5,
    zero: 0,
    empty: '',
    numstr: ['12', '-3.5', '1e3', 'x1', '0x10', ' 7'][i % 6],
  };
  if (rnd() < 0.7) r.coins = [1, 5, 50, 500, 0.1][i % 5];
  if (rnd() < 0.5) r.count = Math.floor(rnd() * 4);
  if (rnd() < 0.5) r.text = ['hello', 'WOW', 'ünïcödé', '', 'gg 😀'][i % 5];
  if (rnd() < 0.5) r.flag = rnd() < 0.5;
  if (rnd() < 0.5) r.nested = rnd() < 0.8 ? { a: i % 3, b: { c: 'deep' }, s: 'x' } : { a: [1, 2], b: null };
  if (rnd() < 0.3) r.nothing = null;
  if (rnd() < 0.3) r.list = rnd() < 0.5 ? [1, 2, 3] : ['a'];
  return r;
}

/** Random expressions over a grammar covering the compiled subset and some things outside it. */
function expression(rnd: () => number, depth = 0): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const leaf = () =>
    pick([
      () => pick(FIELDS),
      () => `nested.${pick(['a', 'b', 'b.c', 's', 'zz'])}`,
      () => String(pick([0, 1, 2, 5, 100, -3, 0.5, 0.1, 0.2, 1e21])),
      () => JSON.stringify(pick(['gift', 'like', 'room-1', '', 'x'])),
      () => pick(['true', 'false', 'null']),
      () => '$',
    ])();
  if (depth > 3 || rnd() < 0.25) return leaf();
  const sub = () => expression(rnd, depth + 1);
  return pick([
    () => `${sub()} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${sub()}`,
    () => `${sub()} ${pick(['+', '-', '*', '/', '%'])} ${sub()}`,
    () => `(${sub()}) ${pick(['and', 'or'])} (${sub()})`,
    () => `${sub()} & ${sub()}`,
    () => `${sub()} ? ${sub()} : ${sub()}`,
    () => `${sub()} ? ${sub()}`,
    () => `-${leaf()}`,
    () => `${sub()} in [${sub()}, ${leaf()}]`,
    () => `{"a": ${sub()}, "b": ${sub()}}`,
    () => `[${sub()}, ${sub()}]`,
    () => `$merge([$, {"v": ${sub()}}])`,
    () => `$merge([${sub()}, ${sub()}])`,
    () =>
      `$${pick(['lowercase', 'uppercase', 'length', 'string', 'number', 'exists', 'boolean', 'not', 'abs', 'floor', 'ceil'])}(${sub()})`,
    // Outside the subset: these must fall back to the interpreter and still agree.
    () => `$sum(${pick(['list', '[1,2]', 'coins'])})`,
    () => `list[0]`,
    () => `$substring(${pick(['user', 'text'])}, 1, 2)`,
    () => `nested.*`,
  ])();
}

/** Hand-picked edges, run on every record alongside the generated ones. */
const EDGES = [
  '0.1 + 0.2 & ""',
  '(coins / 3) & "/3"',
  '1e21 & ""',
  '$string(ts / 7)',
  '$number(numstr)',
  'missing = missing',
  'missing != 1',
  'missing < 1',
  '"a" < 1',
  'nested = nested',
  'list = [1, 2, 3]',
  'list',
  'nested.a',
  'nested.a + 1',
  '$merge([$, nested])',
  '$merge([{"a": 1}, {"a": 2}])',
  'coins / zero',
  'type in ["gift", "like"]',
  'coins in list',
  '{"k": missing}',
  '{"k": list}',
  '[missing, coins, [1, 2]]',
  '$length(text)',
  '$uppercase(text) & "!"',
  'flag ? "yes" : "no"',
  'nothing ? 1 : 2',
  'nothing.x',
  '$boolean(nested)',
  '$not(empty)',
  '-neg',
  '-text',
  'count % 2 = 0 and coins > 1',
  'text and coins',
  '$floor(neg) + $ceil(neg) + $abs(neg)',
];

type Outcome = { ok: true; value: string } | { ok: false; message: string };
const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));

async function interpreted(source: string, r: unknown): Promise<Outcome> {
  try {
    return { ok: true, value: show(await compileExpression(source, { interpretOnly: true }).evaluate(r)) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

async function compiled(expr: ReturnType<typeof compileExpression>, r: unknown): Promise<Outcome & { fast: boolean }> {
  try {
    const v = expr.fast(r);
    if (v !== BAIL) return { ok: true, value: show(v), fast: true };
    return { ok: true, value: show(await expr.evaluate(r)), fast: false };
  } catch (e) {
    return { ok: false, message: (e as Error).message, fast: false };
  }
}

describe('compiled JSONata equals the interpreter', () => {
  it('thousands of generated expressions and records give identical results, errors and missing values', async () => {
    const rnd = prng(20261124);
    const records = Array.from({ length: 24 }, (_, i) => record(rnd, i));
    let cases = 0;
    let fast = 0;
    let compiledExpressions = 0;
    const mismatches: string[] = [];
    const sources = [...EDGES, ...Array.from({ length: 3000 }, () => expression(rnd))];
    for (const source of sources) {
      let expr;
      try {
        expr = compileExpression(source);
      } catch {
        continue; // a syntax error both ways; lint reports it
      }
      if (expr.compiled) compiledExpressions++;
      for (const r of records) {
        const [want, got] = [await interpreted(source, r), await compiled(expr, r)];
        cases++;
        if (got.fast) fast++;
        const same = want.ok && got.ok ? want.value === got.value : !want.ok && !got.ok && want.message === got.message;
        if (!same && mismatches.length < 10)
          mismatches.push(
            `${source} on ${JSON.stringify(r)}: interpreter ${JSON.stringify(want)}, compiled ${JSON.stringify(got)}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBeGreaterThan(50_000);
    // The test must exercise the compiler, not just the fallback.
    console.log(
      `differential: ${cases} cases, ${compiledExpressions} of ${sources.length} expressions compiled, ${((fast / cases) * 100).toFixed(0)}% of evaluations on the compiled path`,
    );
    expect(compiledExpressions).toBeGreaterThan(1000);
    expect(fast / cases).toBeGreaterThan(0.25);
  }, 120_000);

  it('the pipeline expressions of the demo and the benchmark compile', () => {
    for (const s of [
      "type = 'gift'",
      '$merge([$, {"value": coins * 100}])',
      'room',
      '{"room": room, "user": user, "ts": ts, "coins": coins}',
    ]) {
      expect(compileExpression(s).compiled).toBe(true);
    }
    expect(compileExpression('$sum(list)').compiled).toBe(false);
  });

  it('compiled code reaches nothing but the record: no globals, no prototype tricks', () => {
    const e = compileExpression('constructor');
    expect(e.compiled).toBe(true);
    expect(e.fast({})).toBe(BAIL); // Object.prototype.constructor is a function: the interpreter decides
    expect(compileExpression('$eval("1")').compiled).toBe(false);
    expect(compileExpression('$process').compiled).toBe(false);
    // Literals are written into the generated code escaped: a string that looks like code stays a string.
    const payload = '"); globalThis.pwned = 1; ("\u2028\\`${globalThis.pwned = 2}`';
    const e2 = compileExpression(`text = ${JSON.stringify(payload)} or text = 'it"s'`);
    expect(e2.compiled).toBe(true);
    expect(e2.fast({ text: 'x' })).toBe(false);
    expect(e2.fast({ text: payload })).toBe(true);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(compileExpression(`$merge([$, {"__proto__": 1}])`).compiled).toBe(false);
  });
});
