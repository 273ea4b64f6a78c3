/**
 * Media throughput: 1080p30 testsrc2 → libx264 veryfast for a fixed frame count, run as a Sluice pipeline
 * (test-pattern → encoder → media-file, through the engine: the group fused into one ffmpeg process, started and
 * watched by the flow, its progress parsed into metrics) against the same ffmpeg command run by hand (what a person
 * would type: no progress pipe), in the same run, interleaved. Goal: Sluice's fps ≥ 0.95 × by hand.
 * `--quick`: a small picture and few frames (CI smoke; asserts no timing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PipelineDocument } from '../src/shared/document';
import { shellLine } from '../src/engine/media/command';
import { ffprobe } from '../src/engine/media/ffmpeg';
import { mediaGroupsOf } from '../src/engine/media/group';
import { planPipeline } from '../src/engine/plan/plan';
import { median, resolved, timeByHand, timeSluice } from './media-timing';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const FRAMES = values.quick ? 60 : 450;
const [WIDTH, HEIGHT] = values.quick ? [320, 240] : [1920, 1080];
const RUNS = values.quick ? 1 : 3;

const dir = mkdtempSync(join(tmpdir(), 'sluice-media-bench-'));

function pipeline(path: string): PipelineDocument {
  return {
    version: 1,
    name: 'media bench',
    nodes: [
      {
        id: 'camera',
        type: 'test-pattern',
        position: { x: 0, y: 0 },
        config: { width: WIDTH, height: HEIGHT, rate: 30, frames: FRAMES, timestamp: false, realtime: false },
      },
      {
        id: 'h264',
        type: 'encoder',
        position: { x: 1, y: 0 },
        config: { codec: 'h264', device: 'cpu', preset: 'veryfast', crf: 23, lowLatency: false },
      },
      { id: 'file', type: 'media-file', position: { x: 2, y: 0 }, config: { path } },
    ],
    edges: [
      { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'h264', port: 'in' } },
      { id: 'e2', from: { node: 'h264', port: 'out' }, to: { node: 'file', port: 'in' } },
    ],
  };
}

/** The command as a person would run it: Sluice's without the progress pipe Sluice reads its metrics from. */
const byHandArgs = (args: string[]) =>
  args.filter((a, i) => !(a === '-progress' || args[i - 1] === '-progress' || a === '-nostats'));

/** The pipeline run by the engine, from start to the last node finished; the frames its metrics reported. */
async function timeSluiceFrames(doc: PipelineDocument): Promise<{ ms: number; frames: number; encoder: string }> {
  let frames = 0;
  let encoder = '';
  const ms = await timeSluice(doc, (tick) => {
    const m = tick.nodes.camera?.media;
    if (m) [frames, encoder] = [m.frames, m.encoder ?? ''];
  });
  return { ms, frames, encoder };
}

async function main(): Promise<void> {
  const doc = pipeline(join(dir, 'sluice.mp4'));
  // The same command by hand: the group's, writing elsewhere, without the progress pipe.
  const group = mediaGroupsOf(planPipeline(resolved(pipeline(join(dir, 'by-hand.mp4')))).mediaGroups).get('camera')!;
  const choice = await group.chooseEncoder();
  if (!choice.encoder) throw new Error(choice.error);
  const handArgs = byHandArgs(group.command());
  const hand: number[] = [];
  const ours: number[] = [];
  let reported = 0;
  for (let i = 0; i < RUNS; i++) {
    hand.push(FRAMES / ((await timeByHand(handArgs)) / 1000));
    const s = await timeSluiceFrames(doc);
    reported = s.frames;
    ours.push(FRAMES / (s.ms / 1000));
  }
  const written = Number((await ffprobe(join(dir, 'sluice.mp4'), { frames: true })).streams[0]!.nb_read_frames);
  rmSync(dir, { recursive: true, force: true });
  const fmt = (fps: number) => `${fps.toFixed(1)} fps`;
  process.stdout.write(
    [
      `Sluice media benchmark — ${WIDTH}×${HEIGHT} testsrc2 → ${choice.encoder} veryfast, ${FRAMES} frames, median of ${RUNS} interleaved runs`,
      `by hand:  ${fmt(median(hand))}   (${hand.map(fmt).join(', ')})`,
      `  ${shellLine('ffmpeg', handArgs)}`,
      `Sluice (the pipeline, through the engine):   ${fmt(median(ours))}   (${ours.map(fmt).join(', ')}); progress reported ${reported} frames, the file has ${written}`,
      `ratio Sluice / by hand: ${(median(ours) / median(hand)).toFixed(3)}× (goal ≥ 0.95×)`,
      '',
    ].join('\n'),
  );
}

await main();
