import { chooseEncoder, type EncoderDevice, type VideoCodec } from '../../../shared/media';
import { configWithDefaults, type NodeTypeInfo } from '../../../shared/spec';
import { loadProbe, useProbe } from '../state/encoders';

export interface EncoderSettings {
  /** copy: the source's stream as it is (no encoder to choose). */
  codec: VideoCodec | 'copy';
  device: EncoderDevice;
}

/** An encoder node's codec and device, its defaults filled in. */
export function encoderSettings(
  info: NodeTypeInfo | undefined,
  config: Readonly<Record<string, unknown>> | undefined,
): EncoderSettings {
  const all = configWithDefaults(info, config);
  return {
    codec: all.codec === 'hevc' || all.codec === 'copy' ? all.codec : 'h264',
    device: all.device === 'gpu' || all.device === 'cpu' ? all.device : 'auto',
  };
}

/**
 * For an encoder node, in the inspector: which encoder its codec and device settings get on this machine, and
 * every candidate tried before it, with ffmpeg's reason for each that does not work. Never a silent fallback.
 */
export function EncoderChain({ settings }: { settings: EncoderSettings }) {
  const { probe, error, loading } = useProbe();
  if (settings.codec === 'copy')
    return (
      <section className="encoder-chain" aria-label="encoder on this machine">
        <h3>Encoder on this machine</h3>
        <p className="hint">copy: the source’s stream passes unchanged — no encoder, no GPU or software choice.</p>
      </section>
    );
  return (
    <section className="encoder-chain" aria-label="encoder on this machine">
      <h3>Encoder on this machine</h3>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!probe && loading && <p className="hint">Trying each encoder…</p>}
      {probe && <ChainList probe={probe} settings={settings} />}
      <button type="button" onClick={() => void loadProbe(true)} disabled={loading}>
        {loading ? 'Probing…' : 'Probe again'}
      </button>
    </section>
  );
}

function ChainList({
  probe,
  settings,
}: {
  probe: NonNullable<ReturnType<typeof useProbe>['probe']>;
  settings: EncoderSettings;
}) {
  const choice = chooseEncoder(probe, settings.codec === 'copy' ? 'h264' : settings.codec, settings.device);
  return (
    <>
      {choice.encoder ? (
        <p className="encoder-choice" data-testid="encoder-choice">
          Uses <strong>{choice.encoder}</strong> ({choice.hardware ? `${choice.label}, on the GPU` : choice.label})
          {!choice.hardware && settings.device === 'auto'
            ? ': no GPU encoder works here.'
            : settings.device === 'cpu'
              ? ': device is set to cpu.'
              : '.'}
        </p>
      ) : (
        <p className="error" role="alert" data-testid="encoder-choice">
          {choice.error}
        </p>
      )}
      <ol className="encoder-candidates" aria-label="encoder candidates">
        {choice.chain.map((t) => (
          <li
            key={t.encoder}
            className={t.ok ? 'ok' : 'failed'}
            aria-label={`${t.encoder} ${t.ok ? 'works' : 'fails'}`}
          >
            <span className="mark">{t.ok ? '✓' : '✗'}</span> <code>{t.encoder}</code>{' '}
            <span className="muted">{t.label}</span>
            {!t.ok && <div className="reason">{t.reason}</div>}
          </li>
        ))}
      </ol>
      <p className="hint">
        ffmpeg {probe.ffmpegVersion}, probed {new Date(probe.probedAt).toLocaleString()}
        {probe.cached ? ' (kept from an earlier probe)' : ''}.
      </p>
    </>
  );
}

/** For an encoder node on the canvas: the encoder it gets here, or that it has none. */
export function EncoderBadge({ settings }: { settings: EncoderSettings }) {
  const { probe } = useProbe();
  if (settings.codec === 'copy')
    return (
      <div className="encoder-badge" title="The source’s stream passes unchanged" data-testid="encoder-badge">
        copy · no re-encoding
      </div>
    );
  if (!probe) return null;
  const choice = chooseEncoder(probe, settings.codec, settings.device);
  return (
    <div className={`encoder-badge${choice.encoder ? '' : ' bad'}`} title={choice.summary} data-testid="encoder-badge">
      {choice.encoder ? `${choice.encoder}${choice.hardware ? ' · GPU' : ' · software'}` : 'no encoder: see inspector'}
    </div>
  );
}
