/** Give timers and I/O a turn: a loop of promise continuations alone would starve them. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
