/**
 * One heavy redraw per task: components that redraw a lot at once (the dashboard's charts, each a recharts tree
 * whose commit is tens of milliseconds) take turns, each in a task of its own, so the main thread is never held
 * for all of them together and input is handled in between.
 */
import { useEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

const queue: (() => void)[] = [];
let running = false;
const channel = typeof MessageChannel === 'undefined' ? undefined : new MessageChannel();

function next(): void {
  const job = queue.shift();
  if (!job) {
    running = false;
    return;
  }
  job();
  if (queue.length) post();
  else running = false;
}

function post(): void {
  // A message, not setTimeout(0): nested timers are clamped to 4 ms; a message runs next, after input and paint.
  if (channel) channel.port2.postMessage(0);
  else setTimeout(next, 0);
}
if (channel) channel.port1.onmessage = next;

/** Run `job` in a task of its own, after those queued before it. */
export function inTurn(job: () => void): void {
  queue.push(job);
  if (!running) {
    running = true;
    post();
  }
}

/**
 * `value`, as last drawn: a new value is taken (and the component redrawn, synchronously, alone) in its turn.
 * Starts at `initial` so that a first, heavy draw waits for its turn too.
 */
export function useInTurn<T>(value: T, initial: T = value): T {
  const [shown, setShown] = useState(initial);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    let current = true;
    inTurn(() => {
      if (current) flushSync(() => setShown(value));
    });
    return () => {
      current = false;
    };
  }, [value, shown]);
  return shown;
}

/** The size of an element, measured when it changes; a new size is taken in turn (a chart redrawn at it is heavy). */
export function useSizeInTurn(ref: RefObject<HTMLElement | null>): { width: number; height: number } | undefined {
  const [size, setSize] = useState<{ width: number; height: number }>();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let current = true;
    let last = '';
    const ro = new ResizeObserver(([e]) => {
      const width = Math.floor(e!.contentRect.width);
      const height = Math.floor(e!.contentRect.height);
      if (`${width}x${height}` === last || width === 0 || height === 0) return;
      last = `${width}x${height}`;
      inTurn(() => {
        if (current) flushSync(() => setSize({ width, height }));
      });
    });
    ro.observe(el);
    return () => {
      current = false;
      ro.disconnect();
    };
  }, [ref]);
  return size;
}
