import { afterEach, describe, expect, it } from 'vitest';
import { chooseEncoder, encoderProbe, type EncoderProbe, type EncoderTrial } from '../src/engine/media/encoders';
import { FfmpegMissingError, ffmpegVersion, telling } from '../src/engine/media/ffmpeg';
import { tempDir } from './helpers';

const HARDWARE = ['nvenc', 'qsv', 'vaapi', 'videotoolbox', 'amf'];

describe('the encoder probe, against the real ffmpeg', () => {
  it('tries every candidate in order, and says in ffmpeg’s words why each one that failed did', async () => {
    const dir = tempDir('cache');
    const probe = await encoderProbe({ dir });
    expect(probe.cached).toBe(false);
    expect(probe.ffmpegVersion).toBe(await ffmpegVersion());
    for (const [codec, software] of [
      ['h264', 'libx264'],
      ['hevc', 'libx265'],
    ] as const) {
      const trials = probe.codecs[codec].trials;
      expect(trials.map((t) => t.encoder)).toEqual([...HARDWARE.map((h) => `${codec}_${h}`), software]);
      // The software encoder works wherever ffmpeg does; a hardware one either works or has a reason.
      expect(trials.at(-1)).toMatchObject({ ok: true, hardware: false });
      for (const t of trials.filter((x) => !x.ok)) expect(t.reason).toMatch(/\w{4,}/);
      const choice = chooseEncoder(probe, codec, 'auto');
      expect(choice.encoder).toBe(trials.find((t) => t.ok)!.encoder);
      // Whatever is passed over is named, with its reason, in the one line the studio shows.
      for (const t of trials.filter((x) => x.hardware && !x.ok))
        expect(choice.summary).toContain(`${t.encoder}: ${t.reason}`);
    }
    // NVENC's own message, not the generic "Error while opening encoder" line after it.
    const nvenc = probe.codecs.h264.trials[0]!;
    if (!nvenc.ok) expect(nvenc.reason).not.toMatch(/^Error (while opening|initializing output)/);
  });

  it('keeps the result per machine and ffmpeg version, and probes again on request', async () => {
    const dir = tempDir('cache');
    const first = await encoderProbe({ dir });
    const again = await encoderProbe({ dir });
    expect(again.cached).toBe(true);
    expect(again.codecs).toEqual(first.codecs);
    expect(again.probedAt).toBe(first.probedAt);
    const fresh = await encoderProbe({ dir, refresh: true });
    expect(fresh.cached).toBe(false);
    expect(fresh.probedAt).not.toBe(first.probedAt);
  });

  describe('without ffmpeg', () => {
    const saved = process.env.SLUICE_FFMPEG;
    afterEach(() => {
      if (saved === undefined) delete process.env.SLUICE_FFMPEG;
      else process.env.SLUICE_FFMPEG = saved;
    });
    it('says once, clearly, that ffmpeg is missing and how to get it', async () => {
      process.env.SLUICE_FFMPEG = '/nonexistent/ffmpeg';
      const err = await encoderProbe({ dir: tempDir('cache') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FfmpegMissingError);
      expect((err as Error).message).toBe(
        'ffmpeg was not found: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg) or set SLUICE_FFMPEG to its path',
      );
    });
  });
});

describe('choosing an encoder', () => {
  const t = (encoder: string, ok: boolean, reason?: string): EncoderTrial => ({
    encoder,
    label: encoder,
    hardware: !encoder.startsWith('lib'),
    ok,
    reason,
  });
  const probe = (h264: EncoderTrial[]): EncoderProbe => ({
    ffmpegVersion: 'test',
    machine: 'test',
    probedAt: '',
    codecs: { h264: { codec: 'h264', trials: h264 }, hevc: { codec: 'hevc', trials: [t('libx265', true)] } },
  });

  it('auto takes the first that works: a GPU encoder where one works', () => {
    const p = probe([t('h264_nvenc', false, 'Cannot load libcuda.so.1'), t('h264_qsv', true), t('libx264', true)]);
    expect(chooseEncoder(p, 'h264', 'auto')).toMatchObject({ encoder: 'h264_qsv', hardware: true });
    expect(chooseEncoder(p, 'h264', 'gpu')).toMatchObject({ encoder: 'h264_qsv' });
    expect(chooseEncoder(p, 'h264', 'cpu')).toMatchObject({
      encoder: 'libx264',
      summary: 'libx264 (libx264): device is set to cpu',
    });
  });

  it('gpu with no working GPU encoder is an error that lists why each failed; auto falls back and says so', () => {
    const p = probe([
      t('h264_nvenc', false, 'Cannot load libcuda.so.1'),
      t('h264_vaapi', false, 'no VAAPI device'),
      t('libx264', true),
    ]);
    const gpu = chooseEncoder(p, 'h264', 'gpu');
    expect(gpu.encoder).toBeUndefined();
    expect(gpu.error).toBe(
      'no GPU encoder for h264 works on this machine (h264_nvenc: Cannot load libcuda.so.1; h264_vaapi: no VAAPI device); set device to auto to fall back to software, or cpu',
    );
    expect(chooseEncoder(p, 'h264', 'auto').summary).toBe(
      'libx264 (libx264): no GPU encoder works here — h264_nvenc: Cannot load libcuda.so.1; h264_vaapi: no VAAPI device',
    );
  });
});

describe('ffmpeg’s telling line', () => {
  it('is the first line a component wrote, without its address', () => {
    expect(
      telling(
        '[h264_nvenc @ 0x5647] Cannot load libcuda.so.1\nError initializing output stream 0:0 -- Error while opening encoder\n',
      ),
    ).toBe('Cannot load libcuda.so.1');
    expect(telling('Device creation failed: -22.\nError parsing global options\n')).toBe(
      'Device creation failed: -22.',
    );
    expect(telling('')).toBe('ffmpeg failed without a message');
  });
});
