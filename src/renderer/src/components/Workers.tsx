import { useState } from 'react';
import type { RedisProfileInfo } from '../../../shared/redis';
import type { GroupWorkersView } from '../../../shared/workers';
import { useSelect, useStore } from '../state/store';
import { documentStore } from '../state/document';
import { configWithDefaults } from '../../../shared/spec';
import { studioApi } from '../state/studio';
import { workersStore } from '../state/ui';
import { useLoad, usePoll } from './useLoad';

/** How often the panel reads the workers' reports again. */
const EVERY_MS = 1000;
/** A worker not heard from for this long is shown as silent (it reports every second). */
const SILENT_MS = 3000;

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);
const rate = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function GroupView({ profile, group }: { profile: string; group: string }) {
  const { value, error } = usePoll<GroupWorkersView>(() => studioApi().groupWorkers(profile, group), EVERY_MS);
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!value) return <p className="hint">Reading…</p>;
  // A silent worker's partitions are about to move: the figures count the workers heard from.
  const live = value.workers.filter((w) => w.ageMs <= SILENT_MS);
  const silent = value.workers.length - live.length;
  const partitions = live.flatMap((w) => w.partitions);
  const lag = partitions.reduce((n, p) => n + (p.lag ?? 0), 0);
  if (!value.workers.length) {
    return (
      <p className="hint">
        No worker of group <code>{group}</code> reports to Redis profile <code>{profile}</code>. Start some with{' '}
        <code>sluice run --worker &lt;pipeline&gt; --state {profile}</code>, on this machine or others: Kafka splits the
        partitions among them.
      </p>
    );
  }
  return (
    <>
      <p className="workers-summary" role="status" aria-label="group summary">
        <strong>{live.length}</strong> worker{live.length === 1 ? '' : 's'}
        {silent > 0 && <span className="bad"> (+{silent} silent)</span>} · <strong>{partitions.length}</strong>{' '}
        partitions held · lag <strong>{rate(lag)}</strong> records ·{' '}
        <strong>{rate(live.reduce((n, w) => n + w.recordsPerSec, 0))}</strong> records/s
      </p>
      <table className="workers" aria-label="workers">
        <colgroup>
          <col style={{ width: 150 }} />
          <col style={{ width: 64 }} />
          <col />
          <col style={{ width: 72 }} />
          <col style={{ width: 72 }} />
        </colgroup>
        <thead>
          <tr>
            <th>Worker</th>
            <th>State</th>
            <th>Partitions (lag)</th>
            <th className="num">Records/s</th>
            <th className="num">Heard</th>
          </tr>
        </thead>
        <tbody>
          {value.workers.map((w) => {
            const silent = w.ageMs > SILENT_MS;
            return (
              <tr key={w.memberId} className={silent ? 'silent' : undefined} aria-label={`worker ${w.host}:${w.pid}`}>
                <td>
                  <div>
                    {w.host} <span className="muted">pid {w.pid}</span>
                  </div>
                  <div
                    className="muted member"
                    title={`member ${w.memberId}, joined ${new Date(w.joinedAt).toLocaleTimeString()}`}
                  >
                    {w.memberId.slice(0, 28)}
                  </div>
                </td>
                <td>
                  {silent ? (
                    <span
                      className="bad"
                      title={`not heard from for ${seconds(w.ageMs)}: Kafka takes it out of the group once its session (${seconds(w.sessionTimeoutMs)}) times out`}
                    >
                      silent
                    </span>
                  ) : (
                    w.state
                  )}
                </td>
                <td>
                  <ul className="partitions" aria-label="partitions held">
                    {w.partitions.map((p) => (
                      <li
                        key={`${p.topic}/${p.partition}`}
                        className={`partition-chip${p.lag ? ' behind' : ''}`}
                        title={`lag ${p.lag ?? 'not known yet'} records`}
                      >
                        {p.topic}/{p.partition} <span className="lag">{p.lag === null ? '–' : rate(p.lag)}</span>
                      </li>
                    ))}
                  </ul>
                  {w.partitions.length === 0 && (
                    <span className="muted">none (more workers than partitions, or rebalancing)</span>
                  )}
                </td>
                <td className="num">{rate(w.recordsPerSec)}</td>
                <td className="num">{seconds(w.ageMs)} ago</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** The workers of a consumer group, as they report themselves to the Redis profile they share. */
export function WorkersPanel() {
  const open = useStore(workersStore);
  const doc = useSelect(documentStore, (s) => s.doc);
  const types = useSelect(documentStore, (s) => s.nodeTypes);
  const profiles = useLoad<RedisProfileInfo[]>(() => studioApi().redisProfiles(), [open]);
  // The nodes' configs as the engine runs them: the fields left out take the defaults their types declare.
  const configs = (type: string) =>
    doc.nodes.filter((n) => n.type === type).map((n) => configWithDefaults(types.get(n.type), n.config));
  const groups = [...new Set(configs('kafka-source').map((c) => String(c.group)))];
  const [chosen, setChosen] = useState<{ profile?: string; group?: string }>({});
  if (!open) return null;
  const known = profiles.value ?? [];
  const isShared = (name: unknown) => known.some((p) => p.name === name && !p.local);
  const sinkProfile = configs('redis').find((c) => isShared(c.profile))?.profile as string | undefined;
  const profile =
    chosen.profile ?? sinkProfile ?? known.find((p) => !p.local)?.name ?? known.find((p) => p.local)?.name ?? '';
  const group = chosen.group ?? groups[0] ?? '';
  return (
    <aside className="live-state workers-panel" aria-label="workers">
      <header className="row">
        <h2>Workers</h2>
        <div className="spacer" />
        <button type="button" onClick={() => workersStore.set(false)} aria-label="Close the workers">
          ✕
        </button>
        <label>
          Group{' '}
          <input
            list="worker-groups"
            value={group}
            onChange={(e) => setChosen({ ...chosen, group: e.target.value })}
            aria-label="consumer group"
            size={16}
          />
          <datalist id="worker-groups">
            {groups.map((g) => (
              <option key={g} value={g} />
            ))}
          </datalist>
        </label>
        <label>
          Redis{' '}
          <select
            value={profile}
            onChange={(e) => setChosen({ ...chosen, profile: e.target.value })}
            aria-label="Redis profile the workers report to"
          >
            {[...new Set([profile, ...known.map((p) => p.name)])].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <span className="muted live-state-what">
          Members of the consumer group run by <code>sluice run --worker</code>, here or on other hosts, each reporting
          every second what it holds.
        </span>
      </header>
      {group ? (
        <GroupView key={`${profile}\u0000${group}`} profile={profile} group={group} />
      ) : (
        <p className="hint">Name a consumer group.</p>
      )}
    </aside>
  );
}
