/**
 * The environments of the open pipeline file (`<name>.<env>.json` beside it, `environments/<env>.json`) and the one
 * picked in the toolbar: validation, the inspector's resolved values, runs and tests use its parameter values.
 */
import type { StudioApi } from '../../../shared/api';
import type { EnvironmentInfo, ParameterChoice } from '../../../shared/parameters';
import { documentStore, revalidate } from './document';
import { createStore } from './store';

export interface EnvironmentState {
  /** The file whose environments these are. */
  path?: string;
  list: EnvironmentInfo[];
  /** The environment picked; undefined: the parameters' defaults. */
  chosen?: string;
  error?: string;
}

export const environmentStore = createStore<EnvironmentState>({ list: [] });

/** The values validation, runs and tests resolve with. */
export function currentChoice(): ParameterChoice | undefined {
  const { list, chosen } = environmentStore.get();
  const env = list.find((e) => e.name === chosen);
  return env ? { env: env.name, values: env.values } : undefined;
}

export function chooseEnvironment(name: string | undefined): void {
  environmentStore.set((s) => ({ ...s, chosen: name }));
  revalidate();
}

/** Follow the open file: list its environments when another is opened or saved under a new name. */
export function followEnvironments(api: StudioApi): void {
  const load = (path: string | undefined) => {
    environmentStore.set({ path, list: [] });
    if (!path) return;
    api.environments(path).then(
      (list) => {
        if (environmentStore.get().path === path) environmentStore.set((s) => ({ ...s, list }));
      },
      (err: unknown) => environmentStore.set((s) => ({ ...s, error: (err as Error).message })),
    );
  };
  let path = documentStore.get().path;
  load(path);
  documentStore.subscribe(() => {
    const next = documentStore.get().path;
    if (next === path) return;
    path = next;
    const hadChoice = environmentStore.get().chosen !== undefined;
    load(next);
    if (hadChoice) revalidate();
  });
}
