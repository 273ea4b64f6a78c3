import { useEffect, useState } from 'react';
import type { PipelineNode } from '../../../shared/document';
import { setConfigField } from '../../../shared/edit/commands';
import type { MediaDevices } from '../../../shared/media';
import { edit } from '../state/document';
import { unlocked } from '../state/commands';
import { studioApi } from '../state/studio';

interface Choice {
  label: string;
  detail: string;
  config: Record<string, unknown>;
}

/** What a capture node may pick from what the engine's machine has. */
function choices(type: string, d: MediaDevices): { title: string; items: Choice[]; none: string } {
  if (type === 'camera')
    return {
      title: 'Cameras on this machine',
      items: d.cameras.map((c) => ({ label: c.device, detail: c.name, config: { device: c.device } })),
      none: 'No V4L2 camera found on this machine (/sys/class/video4linux is empty). Elsewhere set the device by hand.',
    };
  if (type === 'microphone')
    return {
      title: 'Microphones on this machine',
      items: d.microphones.map((m) => ({
        label: `${m.format} ${m.device}`,
        detail: m.name,
        config: { format: m.format, device: m.device },
      })),
      none: 'No ALSA capture device found on this machine (/proc/asound/pcm); PulseAudio’s “default” may still work where it runs.',
    };
  return {
    title: 'Displays',
    items: d.screens.map((s) => ({ label: s.display, detail: s.name, config: { display: s.display } })),
    none: 'The engine has no X display (DISPLAY is not set): name one in display.',
  };
}

/** For a camera, microphone or screen node: the devices the engine's machine has, each one click from being used. */
export function CaptureDevices({ node }: { node: PipelineNode }) {
  const [devices, setDevices] = useState<MediaDevices>();
  const [error, setError] = useState<string>();
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let current = true;
    studioApi()
      .mediaDevices()
      .then(
        (d) => current && (setDevices(d), setError(undefined)),
        (err: Error) => current && setError(err.message),
      );
    return () => {
      current = false;
    };
  }, [asked]);
  const use = (c: Choice) => {
    if (!unlocked()) return;
    edit((doc) => Object.entries(c.config).reduce((d, [k, v]) => setConfigField(d, node.id, k, v), doc));
  };
  const list = devices && choices(node.type, devices);
  return (
    <section className="capture-devices" aria-label="capture devices">
      <h3>{list?.title ?? 'Devices'}</h3>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {list && list.items.length === 0 && <p className="hint">{list.none}</p>}
      {list && list.items.length > 0 && (
        <ul>
          {list.items.map((c) => {
            const current = Object.entries(c.config).every(([k, v]) => node.config[k] === v);
            return (
              <li key={c.label}>
                <code>{c.label}</code> {c.detail}{' '}
                {current ? (
                  <span className="hint">in use</span>
                ) : (
                  <button type="button" onClick={() => use(c)} aria-label={`Use ${c.label}`}>
                    Use
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <button type="button" onClick={() => setAsked((n) => n + 1)}>
        Look again
      </button>
    </section>
  );
}
