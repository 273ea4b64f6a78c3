/**
 * Flink in the studio: the profiles, the run target chosen beside the Run button, and the job a run deployed.
 */
import type { FlinkProfileInfo, FlinkProfileSettings, RunTarget } from '../../../shared/flink';
import { createStore } from './store';
import { studioApi } from './studio';

export interface FlinkState {
  profiles: FlinkProfileInfo[];
  /** "in-process", or the name of the Flink profile the Run button deploys to. */
  target: string;
  /** The profile dialog is open. */
  editing: boolean;
  error?: string;
}

export const IN_PROCESS = 'in-process';

export const flinkStore = createStore<FlinkState>({ profiles: [], target: IN_PROCESS, editing: false });

export async function loadFlinkProfiles(): Promise<void> {
  try {
    const profiles = await studioApi().flinkProfiles();
    flinkStore.set((s) => ({ ...s, profiles, error: undefined }));
  } catch (err) {
    flinkStore.set((s) => ({ ...s, error: (err as Error).message }));
  }
}

export async function saveFlinkProfile(name: string, settings: FlinkProfileSettings): Promise<boolean> {
  try {
    const profiles = await studioApi().flinkSaveProfile(name, settings);
    flinkStore.set((s) => ({ ...s, profiles, target: name, editing: false, error: undefined }));
    return true;
  } catch (err) {
    flinkStore.set((s) => ({ ...s, error: (err as Error).message }));
    return false;
  }
}

/** The target the Run button uses now. */
export function runTarget(fromSavepoint?: string): RunTarget {
  const t = flinkStore.get().target;
  return t === IN_PROCESS
    ? { kind: 'in-process' }
    : { kind: 'flink', profile: t, ...(fromSavepoint ? { fromSavepoint } : {}) };
}
