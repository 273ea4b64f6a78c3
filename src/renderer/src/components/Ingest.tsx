/**
 * A stream ingest in the inspector: where to point OBS (its "Server" and "Stream key", each to copy), and while
 * running what the door sees: waiting, the publisher's stream, gaps, publishers turned away.
 */
import type { PipelineNode } from '../../../shared/document';
import { ingestAddress, type IngestAddressConfig } from '../../../shared/ingest';
import { useSelect } from '../state/store';
import { documentStore, metricsStore } from '../state/studio';
import { ingestFigures } from './format';

function Copyable({ label, value }: { label: string; value: string }) {
  return (
    <div className="ingest-row">
      <span className="muted">{label}</span> <code aria-label={label}>{value}</code>{' '}
      <button type="button" onClick={() => void navigator.clipboard?.writeText(value)} aria-label={`copy ${label}`}>
        Copy
      </button>
    </div>
  );
}

export function IngestPanel({ node }: { node: PipelineNode }) {
  const cfg = node.config as IngestAddressConfig & { passphraseName?: string };
  const address = ingestAddress(cfg);
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  const live = useSelect(metricsStore, (m) =>
    m.latest?.runId === viewRunId ? m.latest?.nodes[node.id]?.media?.ingest : undefined,
  );
  const srt = cfg.protocol === 'srt';
  return (
    <section className="ingest" aria-label="ingest address">
      <h3>Publish to this node</h3>
      {srt ? (
        <>
          <Copyable label="SRT address" value={`${address.url}?mode=caller`} />
          <p className="help">
            {cfg.passphraseName
              ? `Publishers add &passphrase=… (the one kept under "${cfg.passphraseName}"); without it they are refused.`
              : 'No passphrase: anyone who reaches this address can publish.'}
          </p>
        </>
      ) : (
        <>
          <Copyable label="Server" value={address.server} />
          <Copyable label="Stream key" value={address.key ?? ''} />
          <p className="help">In OBS: Settings → Stream → Service “Custom…”, then this server and stream key.</p>
        </>
      )}
      {live && (
        <p className="ingest-state" role="status" aria-label="ingest state">
          {ingestFigures(live)}
          {live.gaps > 0 && ` · ${live.gaps} gap${live.gaps === 1 ? '' : 's'} (${live.gapSeconds.toFixed(1)} s lost)`}
          {live.refused > 0 && ` · ${live.refused} refused`}
        </p>
      )}
    </section>
  );
}
