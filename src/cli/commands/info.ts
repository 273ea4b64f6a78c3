/** What this machine and this build offer: `sluice nodes`, `sluice encoders`, `sluice devices`. */
import { chooseEncoder, encoderProbe } from '../../engine/media/encoders';
import { localApi } from './local';

const DEVICES = ['auto', 'gpu', 'cpu'] as const;

export async function nodesCommand(opts: { json?: boolean }): Promise<number> {
  const { api, close } = localApi();
  const types = await api.listNodeTypes();
  close();
  if (opts.json) {
    process.stdout.write(JSON.stringify(types, null, 2) + '\n');
    return 0;
  }
  for (const t of types) {
    process.stdout.write(`${t.type}  (${t.category}) ${t.title}\n  ${t.description}\n`);
    const ports = (dir: string, ps: typeof t.inputs) => ps.map((p) => `    ${dir} ${p.name}: ${p.type}`).join('\n');
    if (t.inputs.length) process.stdout.write(ports('in ', t.inputs) + '\n');
    if (t.outputs.length) process.stdout.write(ports('out', t.outputs) + '\n');
    for (const f of t.fields) {
      const def = f.default !== undefined ? ` = ${JSON.stringify(f.default)}` : f.required ? ' (required)' : '';
      process.stdout.write(`    ${f.name}: ${f.type}${f.unit ? ` [${f.unit}]` : ''}${def} — ${f.description}\n`);
    }
    process.stdout.write('\n');
  }
  return 0;
}

/** Which H.264/H.265 encoders work here, in the order `device: auto` tries them, and why the others do not. */
export async function encodersCommand(opts: { json?: boolean; refresh?: boolean }): Promise<number> {
  const probe = await encoderProbe({ refresh: opts.refresh });
  if (opts.json) {
    // What each device setting picks, per codec, as the text says it: `chosen.h264.auto` is what `auto` runs.
    const chosen = Object.fromEntries(
      (['h264', 'hevc'] as const).map((codec) => [
        codec,
        Object.fromEntries(DEVICES.map((device) => [device, chooseEncoder(probe, codec, device)])),
      ]),
    );
    process.stdout.write(JSON.stringify({ ...probe, chosen }, null, 2) + '\n');
    return 0;
  }
  const when = probe.cached ? `probed ${probe.probedAt}, from the cache; --refresh probes again` : `probed now`;
  process.stdout.write(`ffmpeg ${probe.ffmpegVersion} on ${probe.machine} (${when})\n`);
  for (const codec of ['h264', 'hevc'] as const) {
    process.stdout.write(`${codec}:\n`);
    const trials = probe.codecs[codec].trials;
    const width = Math.max(...trials.map((t) => t.encoder.length));
    for (const t of trials)
      process.stdout.write(
        `  ${t.ok ? '✓' : '✗'} ${t.encoder.padEnd(width)}  ${t.label}${t.ok ? '' : `: ${t.reason}`}\n`,
      );
    for (const device of DEVICES) {
      const choice = chooseEncoder(probe, codec, device);
      const line = choice.encoder
        ? `${choice.encoder} (${choice.hardware ? `${choice.label}, on the GPU` : choice.label})`
        : `error: no ${device === 'gpu' ? 'GPU' : 'working'} encoder for ${codec} (the reasons are above)`;
      process.stdout.write(`  device ${device} → ${line}\n`);
    }
  }
  return 0;
}

/** The capture devices, or where it looked when there are none. */
export async function devicesCommand(opts: { json?: boolean }): Promise<number> {
  const { api, close } = localApi();
  const d = await api.mediaDevices();
  close();
  if (opts.json) process.stdout.write(JSON.stringify(d, null, 2) + '\n');
  else {
    const list = (title: string, items: string[], none: string) =>
      `${title}:\n${items.length ? items.map((i) => `  ${i}\n`).join('') : `  ${none}\n`}`;
    process.stdout.write(
      list(
        'cameras',
        d.cameras.map((c) => `${c.device}  ${c.name}`),
        'none (no V4L2 device in /sys/class/video4linux)',
      ) +
        list(
          'screens',
          d.screens.map((s) => `${s.display}  ${s.name}`),
          'none (DISPLAY is not set)',
        ) +
        list(
          'microphones',
          d.microphones.map((m) => `${m.format} ${m.device}  ${m.name}`),
          'none (no ALSA capture device in /proc/asound/pcm)',
        ),
    );
  }
  return 0;
}
