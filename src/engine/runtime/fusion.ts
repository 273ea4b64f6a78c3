/**
 * Generated code for per-record operators (filter, map, key-by): one operator over a batch, one record after the
 * interpreter, and a chain of them fused with the source that makes the records.
 *
 * Every function here is generated per node instance from the operator's step (its own statements, not user
 * text) around its compiled expression, so V8 sees one call target at each call site and inlines the expression
 * and the step into the loop. Fusing a chain (Flink's operator chaining, record at a time) tests each record as it
 * is made: a filtered-out record is never stored, never read back, and often never allocated.
 */
import { generateFunction } from '../expression/compiler';
import type { FusableStep, Rec } from '../contract/spec';

/** Runs a step over `batch` from `from`, pushing what goes on to `out`; returns the index of the first record the
 * compiled expression declines (BAIL), or the batch length. */
export type StepLoop = (batch: Rec[], from: number, out: Rec[]) => number;
/** The step for one record whose value the interpreter gave. */
export type StepApply = (v: unknown, r: Rec, out: Rec[]) => void;

export function stepLoop(step: FusableStep): StepLoop {
  return generateFunction<StepLoop>(
    `const fast = X.fast, S = X.values;
return function stepLoop(batch, from, out) {
  const n = batch.length;
  for (let i = from; i < n; i++) {
    let r = batch[i];
    const v = fast(r);
    if (v === BAIL) return i;
    ${step.code('S')}
    out.push(r);
  }
  return n;
};`,
    { fast: step.fast, values: step.values },
  );
}

export function stepApply(step: FusableStep): StepApply {
  return generateFunction<StepApply>(
    `const S = X.values;
return function stepApply(v, r, out) {
  do {
    ${step.code('S')}
    out.push(r);
  } while (false);
};`,
    { values: step.values },
  );
}

/** Where a fused run stopped early: the record (as the stage before left it) that stage `stage` must interpret. */
export interface FusedState {
  /** Index (from `from`) of the record that stopped the run, or -1 when all `n` went through. */
  at: number;
  stage: number;
  record: Rec | undefined;
  /** Records each stage processed (BAIL excluded). */
  counts: number[];
}

/** Make `n` records with `produce(from + k)` and run each through the steps in order; survivors go to `out`. */
export type FusedLoop = (produce: (i: number) => Rec, from: number, n: number, out: Rec[], st: FusedState) => void;

export function fusedLoop(steps: FusableStep[]): FusedLoop {
  const names = steps.map((_, j) => j);
  const body = [
    `const ${names.map((j) => `f${j} = X.fast[${j}], S${j} = X.values[${j}]`).join(', ')};`,
    'return function fusedLoop(produce, from, n, out, st) {',
    `  let ${names.map((j) => `c${j} = 0`).join(', ')};`,
    '  st.at = -1;',
    '  for (let k = 0; k < n; k++) {',
    '    let r = produce(from + k);',
    ...names.map(
      (j) =>
        `    { const v = f${j}(r); if (v === BAIL) { st.at = k; st.stage = ${j}; st.record = r; break; } c${j}++;\n${steps[j]!.code(`S${j}`)}\n    }`,
    ),
    '    out.push(r);',
    '  }',
    ...names.map((j) => `  st.counts[${j}] = c${j};`),
    '};',
  ].join('\n');
  return generateFunction<FusedLoop>(body, { fast: steps.map((s) => s.fast), values: steps.map((s) => s.values) });
}

/** Materialise `n` records into one batch (the unfused path), generated per source so `produce` is one target. */
export type Fill = (produce: (i: number) => Rec, from: number, n: number) => Rec[];

export function fill(): Fill {
  return generateFunction<Fill>(`return function fill(produce, from, n) {
  const batch = new Array(n);
  for (let k = 0; k < n; k++) batch[k] = produce(from + k);
  return batch;
};`);
}
