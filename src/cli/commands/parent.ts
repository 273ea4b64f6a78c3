/**
 * A command started through `npx sluice …` / `npm exec` runs as a child of npm, and npm does not forward the signals a
 * supervisor sends it: SIGTERM ends npm and leaves this process re-parented, still running. Watching the parent
 * process id (it changes when the parent goes) lets the command stop as it would on the signal itself.
 */

/** How often the parent is looked at. */
const PARENT_POLL_MS = 250;

/** Whether this process was started by npm (`npx`, `npm exec`, `npm run`). */
export function startedByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command === 'exec' || env.npm_command === 'run-script' || env.npm_lifecycle_event === 'npx';
}

/** Call `gone` once when the parent process goes (only when npm started this one); returns how to stop watching. */
export function whenParentGoes(gone: () => void, always = false): () => void {
  if (!always && !startedByNpm()) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, PARENT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
