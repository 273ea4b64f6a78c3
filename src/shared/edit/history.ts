/**
 * The undo stack: whole immutable snapshots, so that undo gives back exactly the document it replaced.
 *
 * Documents share unchanged nodes between snapshots, so a snapshot costs little more than what changed.
 */
export interface HistoryState<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** Edits with the same key in a row (typing into one field, one drag) make one undo step. */
  readonly lastKey?: string;
}

export const HISTORY_LIMIT = 200;

export function startHistory<T>(present: T): HistoryState<T> {
  return { past: [], present, future: [] };
}

/**
 * Record `next` as the new present. With `key`, an edit right after another with the same key replaces it
 * instead of adding a step. An edit that changes nothing (same object) records nothing.
 */
export function record<T>(h: HistoryState<T>, next: T, key?: string): HistoryState<T> {
  if (next === h.present) return h;
  if (key !== undefined && key === h.lastKey) return { past: h.past, present: next, future: [], lastKey: key };
  const past = [...h.past, h.present];
  if (past.length > HISTORY_LIMIT) past.splice(0, past.length - HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: key };
}

/** End coalescing, so that the next keyed edit starts a new step (e.g. when a field loses focus). */
export function seal<T>(h: HistoryState<T>): HistoryState<T> {
  return h.lastKey === undefined ? h : { ...h, lastKey: undefined };
}

export function undo<T>(h: HistoryState<T>): HistoryState<T> {
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1]!, future: [h.present, ...h.future] };
}

export function redo<T>(h: HistoryState<T>): HistoryState<T> {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0]!, future: h.future.slice(1) };
}
