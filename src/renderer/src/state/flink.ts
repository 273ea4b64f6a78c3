/**
 * Flink in the studio: the profiles, the run target chosen beside the Run button, and the job a run deployed.
 */
import { currentChoice } from './environments';
import type { FlinkProfileInfo, FlinkProfileSettings, RunTarget } from '../../../shared/flink';
import type { PipelineDocument } from '../../../shared/document';
import type { ValidationIssue } from '../../../shared/validation';
import { documentStore } from './document';
import { createStore } from './store';
import { studioApi } from './studio';

export interface FlinkState {
  profiles: FlinkProfileInfo[];
  /** "in-process", or the name of the Flink profile the Run button deploys to. */
  target: string;
  /** The profile dialog is open. */
  editing: boolean;
  error?: string;
  /** With a Flink target: what keeps the document from compiling for Flink (shown with the problems). */
  problems: ValidationIssue[];
}

export const IN_PROCESS = 'in-process';

export const flinkStore = createStore<FlinkState>({
  profiles: [],
  target: IN_PROCESS,
  editing: false,
  problems: [],
});

/**
 * With a Flink target, the document is checked for Flink shortly after each edit and each change of target (no
 * cluster is reached); late answers are dropped.
 */
let checked: { doc: PipelineDocument; target: string } | undefined;
let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checkSeq = 0;
function checkForFlink(): void {
  const doc = documentStore.get().doc;
  const { target } = flinkStore.get();
  if (checked?.doc === doc && checked.target === target) return;
  checked = { doc, target };
  clearTimeout(checkTimer);
  const seq = ++checkSeq;
  if (target === IN_PROCESS) {
    if (flinkStore.get().problems.length) flinkStore.set((s) => ({ ...s, problems: [] }));
    return;
  }
  checkTimer = setTimeout(() => {
    studioApi()
      .flinkProblems(doc, currentChoice())
      .then((problems) => {
        if (seq === checkSeq) flinkStore.set((s) => ({ ...s, problems }));
      })
      .catch(() => undefined);
  }, 150);
}
documentStore.subscribe(checkForFlink);
flinkStore.subscribe(checkForFlink);

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
