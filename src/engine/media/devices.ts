/**
 * Capture devices this machine has, read from the system: V4L2 cameras from sysfs, the X display, ALSA capture
 * cards from /proc/asound. (Other systems: ffmpeg's own listing through avfoundation / dshow is configured by
 * hand in the node.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { MediaDevices } from '../../shared/media';

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

export function listMediaDevices(root = '/'): MediaDevices {
  const cameras: MediaDevices['cameras'] = [];
  const sys = `${root}sys/class/video4linux`;
  if (existsSync(sys)) {
    for (const name of readdirSync(sys).sort()) {
      if (!/^video\d+$/.test(name)) continue;
      cameras.push({ device: `/dev/${name}`, name: read(`${sys}/${name}/name`) ?? name });
    }
  }
  const microphones: MediaDevices['microphones'] = [];
  for (const line of (read(`${root}proc/asound/pcm`) ?? '').split('\n')) {
    // "00-00: ALC3246 Analog : ALC3246 Analog : playback 1 : capture 1"
    const m = /^(\d+)-(\d+):\s*([^:]+?)\s*:.*capture/.exec(line);
    if (m) microphones.push({ format: 'alsa', device: `hw:${Number(m[1])},${Number(m[2])}`, name: m[3]! });
  }
  const display = process.env.DISPLAY;
  return {
    platform: process.platform,
    cameras,
    microphones,
    screens: display ? [{ display, name: `X display ${display}` }] : [],
  };
}
