import { useState } from 'react';
import type { LiveKey, LiveStateView } from '../../../shared/live-state';
import { useSelect, useStore } from '../state/store';
import { runStore, studioApi } from '../state/studio';
import { liveStateStore } from '../state/ui';
import { RedisConnections } from './RedisConnections';
import { usePoll } from './useLoad';

/** How often the panel reads Redis again while it is open and a pipeline runs. */
const EVERY_MS = 1000;

const count = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
/** A stream entry id is `<ms>-<seq>`: its time of day. */
const entryTime = (id: string) => new Date(Number(id.split('-')[0])).toISOString().slice(11, 23);

function Leaderboard({ k }: { k: Extract<LiveKey, { kind: 'leaderboard' }> }) {
  const best = k.top[0]?.score || 1;
  return (
    <ol className="leaderboard" aria-label={`leaderboard ${k.key}`}>
      {k.top.map((e, i) => (
        <li key={e.member}>
          <span className="rank">{i + 1}</span>
          <span className="member">{e.member}</span>
          <span className="bar" style={{ width: `${Math.max(2, (e.score / best) * 100)}%` }} />
          <span className="score">{count(e.score)}</span>
        </li>
      ))}
    </ol>
  );
}

function Key({ k }: { k: LiveKey }) {
  switch (k.kind) {
    case 'counter':
      return (
        <div className="live-counter" aria-label={`counter ${k.key}`}>
          <span className="live-key">{k.key}</span>
          <span className="live-number">{count(k.value)}</span>
        </div>
      );
    case 'hash':
      return (
        <div className="live-block">
          <div className="live-key">
            {k.key} <span className="muted">· {k.size} fields</span>
          </div>
          <table className="live-hash" aria-label={`hash ${k.key}`}>
            <tbody>
              {k.fields.map(([f, v]) => (
                <tr key={f}>
                  <td>{f}</td>
                  <td className="num">{Number.isFinite(Number(v)) ? count(Number(v)) : v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'leaderboard':
      return (
        <div className="live-block">
          <div className="live-key">
            {k.key}{' '}
            <span className="muted">
              · top {k.top.length} of {k.size}
            </span>
          </div>
          <Leaderboard k={k} />
        </div>
      );
    case 'stream':
      return (
        <div className="live-block">
          <div className="live-key">
            {k.key} <span className="muted">· {count(k.length)} entries, newest first</span>
          </div>
          <ul className="live-stream" aria-label={`stream ${k.key}`}>
            {k.entries.map((e) => (
              <li key={e.id}>
                <span className="muted">{entryTime(e.id)}</span>{' '}
                {Object.entries(e.fields).map(([f, v]) => (
                  <span key={f} className="live-field">
                    <span className="muted">{f}</span> {v}{' '}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      );
    case 'value':
      return (
        <div className="live-block">
          <div className="live-key">
            {k.key}
            {k.ttlSeconds !== undefined && <span className="muted"> · expires in {k.ttlSeconds} s</span>}
          </div>
          <pre className="live-value">{k.value ?? '(expired)'}</pre>
        </div>
      );
    case 'messages':
      return (
        <div className="live-block">
          <div className="live-key">
            channel {k.key} <span className="muted">· last published, newest first</span>
          </div>
          <ul className="live-stream">
            {k.messages.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      );
  }
}

function View({ v }: { v: LiveStateView }) {
  return (
    <section className="live-node" aria-label={`live state of ${v.nodeId}`}>
      <header>
        <strong>{v.nodeId}</strong>{' '}
        <span className="muted">
          {v.mode} · Redis {v.profile}
        </span>
      </header>
      {v.error && <p className="error">{v.error}</p>}
      {!v.error && v.keys.length === 0 && <p className="hint">Nothing written yet.</p>}
      {v.keys.map((k) => (
        <Key key={k.key} k={k} />
      ))}
      {v.moreKeys && <p className="hint">More keys were written; the first {v.keys.length} are shown.</p>}
    </section>
  );
}

/**
 * The running pipeline's first leaderboard in Redis (the demo's top gifters), its top five, read every second: shown
 * with the pipeline's video while nothing is selected.
 */
export function PipelineLeaderboard() {
  const { value: views } = usePoll<LiveStateView[]>(() => studioApi().liveState(), EVERY_MS);
  const view = views?.find((v) => v.mode === 'leaderboard' && v.keys.some((k) => k.kind === 'leaderboard'));
  const board = view?.keys.find((k): k is Extract<LiveKey, { kind: 'leaderboard' }> => k.kind === 'leaderboard');
  if (!view || !board) return null;
  return (
    <section className="live-node pipeline-board" aria-label="pipeline leaderboard">
      <header>
        <strong>{view.nodeId}</strong>{' '}
        <span className="muted">
          {board.key} · top 5 of {board.size} · Redis {view.profile} (Live state shows all)
        </span>
      </header>
      <Leaderboard k={{ ...board, top: board.top.slice(0, 5) }} />
    </section>
  );
}

/** What the running pipeline keeps in Redis, as the room's users would see it, read again every second. */
export function LiveStatePanel() {
  const open = useStore(liveStateStore);
  const phase = useSelect(runStore, (s) => s.status.phase);
  const [connections, setConnections] = useState(false);
  const running = phase === 'running';
  const { value: views, error } = usePoll<LiveStateView[]>(() => studioApi().liveState(), EVERY_MS, open && running);
  if (!open) return null;
  return (
    <aside className="live-state" aria-label="live state">
      <header className="row">
        <h2>Live state</h2>
        <div className="spacer" />
        <button
          type="button"
          onClick={() => setConnections(!connections)}
          aria-pressed={connections}
          title="Redis connection profiles"
        >
          Connections
        </button>
        <span className="muted live-state-what">
          {running
            ? 'What the pipeline keeps in Redis, read every second.'
            : 'Run the pipeline to see what it keeps in Redis.'}
        </span>
      </header>
      {connections && <RedisConnections />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {running && views?.length === 0 && <p className="hint">This pipeline has no Redis sink.</p>}
      {(running ? views : undefined)?.map((v) => (
        <View key={v.nodeId} v={v} />
      ))}
    </aside>
  );
}
