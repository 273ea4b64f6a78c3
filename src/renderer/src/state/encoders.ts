/**
 * The encoder probe as the studio shows it: fetched from the engine once (it is cached there per machine and
 * ffmpeg version), again on request.
 */
import { useEffect } from 'react';
import type { EncoderProbe } from '../../../shared/media';
import { createStore, useStore } from './store';
import { studioApi } from './studio';

export interface ProbeState {
  probe?: EncoderProbe & { cached: boolean };
  error?: string;
  loading: boolean;
}

export const probeStore = createStore<ProbeState>({ loading: false });

export async function loadProbe(refresh = false): Promise<void> {
  const s = probeStore.get();
  if (s.loading || (s.probe && !refresh)) return;
  probeStore.set({ ...s, loading: true, error: undefined });
  try {
    probeStore.set({ probe: await studioApi().encoderProbe(refresh), loading: false });
  } catch (err) {
    probeStore.set({ loading: false, error: (err as Error).message });
  }
}

/** The probe, loaded on first use. */
export function useProbe(): ProbeState {
  useEffect(() => void loadProbe(), []);
  return useStore(probeStore);
}
