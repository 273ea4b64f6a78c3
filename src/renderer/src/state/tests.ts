/**
 * The Tests panel's state: the fixtures beside the open pipeline file, run against the open document (unsaved
 * edits included) in the environment picked.
 */
import type { TestRun } from '../../../shared/api';
import { documentStore } from './document';
import { currentChoice } from './environments';
import { createStore } from './store';
import { studioApi } from './studio';

export interface TestsState {
  running: boolean;
  run?: TestRun;
  /** The environment the results are for. */
  env?: string;
  error?: string;
}

export const testsStore = createStore<TestsState>({ running: false });

export async function runTests(): Promise<void> {
  const { path, doc } = documentStore.get();
  if (!path) {
    testsStore.set({
      running: false,
      error: 'Save the pipeline into the workspace first: its fixtures are files beside it.',
    });
    return;
  }
  const choice = currentChoice();
  testsStore.set((s) => ({ ...s, running: true, error: undefined }));
  try {
    const run = await studioApi().runTests(path, doc, choice);
    testsStore.set({ running: false, run, env: choice?.env });
  } catch (err) {
    testsStore.set({ running: false, error: (err as Error).message });
  }
}
