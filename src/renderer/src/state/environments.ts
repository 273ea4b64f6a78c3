/**
 * The environments of the open pipeline file (`<name>.<env>.json` beside it, `environments/<env>.json`) and the one
 * picked in the toolbar: validation, the inspector's resolved values, runs and tests use its parameter values.
 */
import type { StudioApi } from '../../../shared/api';
import type { EnvironmentInfo, ParameterChoice } from '../../../shared/parameters';
import type { ValidationIssue } from '../../../shared/validation';
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

/** The problems of the environment file picked, each naming its file and line. */
export function currentChoiceIssues(): ValidationIssue[] {
  const { list, chosen } = environmentStore.get();
  return list.find((e) => e.name === chosen)?.issues ?? [];
}

export function chooseEnvironment(name: string | undefined): void {
  environmentStore.set((s) => ({ ...s, chosen: name }));
  revalidate();
}

/**
 * Follow the open file: list its environments whenever a document is opened (the files may have changed since) or
 * saved under another name. The environment picked stays picked where the file has it.
 */
export function followEnvironments(api: StudioApi): void {
  const load = (path: string | undefined) => {
    const keep = environmentStore.get().chosen;
    environmentStore.set({ path, list: [] });
    if (!path) {
      if (keep !== undefined) revalidate();
      return;
    }
    api.environments(path).then(
      (list) => {
        if (environmentStore.get().path !== path) return;
        const chosen = list.some((e) => e.name === keep) ? keep : undefined;
        environmentStore.set((s) => ({ ...s, list, chosen }));
        if (keep !== undefined) revalidate();
      },
      (err: unknown) => environmentStore.set((s) => ({ ...s, error: (err as Error).message })),
    );
  };
  let { path, generation } = documentStore.get();
  load(path);
  documentStore.subscribe(() => {
    const s = documentStore.get();
    if (s.path === path && s.generation === generation) return;
    ({ path, generation } = s);
    load(path);
  });
}
