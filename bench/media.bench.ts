/**
 * Media throughput: 1080p30 testsrc2 → libx264 veryfast for a fixed frame count, run as Sluice runs a fused media
 * chain (the command built by `chainCommand`, started and watched by `MediaProcess`, its `-progress` reports
 * parsed), against the same ffmpeg command run by hand (what a person would type: no progress pipe), in the same
 * run, interleaved. Goal: Sluice's fps ≥ 0.95 × by hand.
 *
 * (The engine does not run media nodes in a pipeline yet; when it does, this bench runs the pipeline.)
 * `--quick`: a small picture and few frames (CI smoke; asserts no timing).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chainCommand, shellLine, type MediaChain } from '../src/engine/media/command';
import { chooseEncoder, encoderProbe } from '../src/engine/media/encoders';
import { ffmpegPath, ffprobe } from '../src/engine/media/ffmpeg';
import { MediaProcess } from '../src/engine/media/runner';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const FRAMES = values.quick ? 60 : 450;
const [WIDTH, HEIGHT] = values.quick ? [320, 240] : [1920, 1080];
const RUNS = values.quick ? 1 : 3;

const dir = mkdtempSync(join(tmpdir(), 'sluice-media-bench-'));

function chainTo(path: string, encoderName: string): MediaChain {
  return {
    source: { width: WIDTH, height: HEIGHT, rate: 30, frames: FRAMES, timestamp: false, audio: false, realtime: false },
    encoder: { codec: 'h264', device: 'cpu', preset: 'veryfast', rateControl: 'crf', crf: 23, bitrateKbps: 4000 },
    encoderName,
    sink: { path },
  };
}

/** The command as a person would run it: Sluice's without the progress pipe Sluice reads its metrics from. */
const byHandArgs = (args: string[]) => args.filter((a, i) => !(a === '-progress' || args[i - 1] === '-progress' || a === '-nostats'));

async function timeByHand(args: string[]): Promise<number> {
  const t0 = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`ffmpeg by hand exited with ${code}`);
  return performance.now() - t0;
}

async function timeSluice(args: string[]): Promise<{ ms: number; frames: number }> {
  const t0 = performance.now();
  let frames = 0;
  const p = new MediaProcess(args, { onProgress: (r) => (frames = r.frame) });
  const exit = await p.exited;
  if (exit.code !== 0) throw new Error(`ffmpeg under Sluice exited with ${exit.code}: ${exit.stderrTail.join(' / ')}`);
  return { ms: performance.now() - t0, frames };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const choice = chooseEncoder(await encoderProbe(), 'h264', 'cpu');
  if (!choice.encoder) throw new Error(choice.error);
  const sluiceArgs = chainCommand(chainTo(join(dir, 'sluice.mp4'), choice.encoder));
  const handArgs = byHandArgs(chainCommand(chainTo(join(dir, 'by-hand.mp4'), choice.encoder)));
  const hand: number[] = [];
  const ours: number[] = [];
  let reported = 0;
  for (let i = 0; i < RUNS; i++) {
    hand.push(FRAMES / ((await timeByHand(handArgs)) / 1000));
    const s = await timeSluice(sluiceArgs);
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
      `Sluice:   ${fmt(median(ours))}   (${ours.map(fmt).join(', ')}); progress reported ${reported} frames, the file has ${written}`,
      `ratio Sluice / by hand: ${(median(ours) / median(hand)).toFixed(3)}× (goal ≥ 0.95×)`,
      '',
    ].join('\n'),
  );
}

await main();
