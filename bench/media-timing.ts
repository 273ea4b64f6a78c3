/**
 * Timing a media pipeline two ways, for the media benchmarks: as Sluice runs it (through the engine, start to the
 * last node finished) and as an ffmpeg command run by hand.
 */
import { spawn } from 'node:child_process';
import type { PipelineDocument } from '../src/shared/document';
import type { MetricsTick } from '../src/shared/metrics';
import { validateValue } from '../src/engine/validate/validate';
import { shellLine } from '../src/engine/media/command';
import { ffmpegPath } from '../src/engine/media/ffmpeg';
import { Flow } from '../src/engine/runtime/flow';
import { builtinRegistry } from '../src/engine/nodes/registry';

/** A document checked and resolved, as the engine runs it. */
export function resolved(doc: PipelineDocument) {
  const r = validateValue(doc, builtinRegistry);
  if (!r.pipeline) throw new Error(JSON.stringify(r.issues));
  return r.pipeline;
}

/** Milliseconds an ffmpeg command takes, run as a person would run it. */
export async function timeByHand(args: string[]): Promise<number> {
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg by hand exited with ${code}: ${shellLine('ffmpeg', args)}`);
  return performance.now() - t0;
}

/** Milliseconds the pipeline takes through the engine, from start to the last node finished. */
export async function timeSluice(doc: PipelineDocument, onMetrics: (tick: MetricsTick) => void = () => {}) {
  const errors: string[] = [];
  const t0 = performance.now();
  const flow = new Flow(resolved(doc), {
    onState: () => undefined,
    onError: (node, message) => errors.push(`${node}: ${message}`),
    onMetrics,
  });
  await flow.start();
  await flow.done;
  if (errors.length) throw new Error(`the pipeline failed: ${errors.join('; ')}`);
  return performance.now() - t0;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
