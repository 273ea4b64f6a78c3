import { useEffect, useState } from 'react';
import { useLoad } from './useLoad';
import { passwordHint, ProfileForm, useSecretStore } from './ProfileForm';
import type {
  BrowsedMessage,
  ConnectionTest,
  GroupInfo,
  KafkaProfileInfo,
  KafkaProfileSettings,
  TopicInfo,
} from '../../../shared/kafka';
import { useSelect } from '../state/store';
import { studioApi } from '../state/studio';
import { topicBrowserStore } from '../state/ui';
import { RecordView } from './RecordView';
import { dateTime } from './record-text';

/** Messages kept in the list while tailing. */
const KEEP = 200;

/** A JSON message's value as data, to be shown as a record; undefined when it is not JSON. */
function parsed(m: BrowsedMessage): unknown {
  if (m.encoding !== 'json' || m.value === null) return undefined;
  // Integers past 2^53 would be rounded by JSON.parse: such a message is shown as its text.
  if (/(?<![\d.])\d{16,}/.test(m.value)) return undefined;
  try {
    return JSON.parse(m.value) as unknown;
  } catch {
    return undefined;
  }
}
const secondsBehind = (s: number) =>
  s < 1 ? 'live' : s < 120 ? `${s.toFixed(1)} s behind` : `${(s / 60).toFixed(1)} min behind`;

function Message({ m }: { m: BrowsedMessage }) {
  const value = parsed(m);
  return (
    <li className="kafka-message" data-offset={m.offset}>
      <div className="kafka-message-meta">
        <span className="offset">@{m.offset}</span>{' '}
        <span className="muted" title={`${m.timestamp} ms since the epoch`}>
          {dateTime(m.timestamp)}
        </span>
        {m.key !== null && (
          <>
            {' '}
            key <code>{m.key}</code>
          </>
        )}
        {Object.keys(m.headers).length > 0 && (
          <span className="muted">
            {' '}
            ·{' '}
            {Object.entries(m.headers)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}
          </span>
        )}
        <span className="muted">
          {' '}
          · {m.bytes} B{m.encoding === 'base64' ? ' · binary, shown as base64' : ''}
        </span>
      </div>
      {value !== undefined ? (
        <div className="kafka-value json">
          <RecordView record={value} />
        </div>
      ) : (
        <pre className={`kafka-value ${m.encoding}`}>{m.value ?? '(no value)'}</pre>
      )}
    </li>
  );
}

function MessageList({ messages }: { messages: BrowsedMessage[] }) {
  return (
    <ol className="kafka-message-list" aria-label="messages" tabIndex={0}>
      {messages
        .slice(-KEEP)
        .reverse()
        .map((m) => (
          <Message key={m.offset} m={m} />
        ))}
    </ol>
  );
}

/** The sampled messages, then each new one as it arrives (newest first). */
function Tail({
  profile,
  topic,
  partition,
  sampled,
}: {
  profile: string;
  topic: string;
  partition: number;
  sampled: BrowsedMessage[];
}) {
  const [live, setLive] = useState<BrowsedMessage[]>([]);
  const [error, setError] = useState<string>();
  useEffect(
    () =>
      studioApi().stream(
        'kafkaTail',
        [profile, topic, partition],
        (ms) => setLive((prev) => [...prev, ...ms].slice(-KEEP)),
        (err) => err && setError(err),
      ),
    [profile, topic, partition],
  );
  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="hint" aria-live="polite">
        Live tail: {live.length} new message(s) since it started.
      </p>
      <MessageList messages={[...sampled, ...live]} />
    </>
  );
}

function PartitionMessages({ profile, topic, partition }: { profile: string; topic: string; partition: number }) {
  const [count, setCount] = useState(20);
  const [tail, setTail] = useState(false);
  const sample = useLoad(
    () => studioApi().kafkaSample(profile, topic, partition, count),
    [profile, topic, partition, count],
  );
  const sampled = sample.value ?? [];
  return (
    <section className="kafka-messages" aria-label={`messages of ${topic}/${partition}`}>
      <div className="row">
        <h3>
          {topic} / partition {partition}
        </h3>
        <label>
          last{' '}
          <select value={count} onChange={(e) => setCount(Number(e.target.value))} aria-label="how many messages">
            {[10, 20, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={tail} onChange={(e) => setTail(e.target.checked)} /> live tail
        </label>
        <button type="button" onClick={sample.reload}>
          Refresh
        </button>
      </div>
      {sample.error && (
        <p className="error" role="alert">
          {sample.error}
        </p>
      )}
      {!sample.loading && !tail && sampled.length === 0 && <p className="hint">No messages in this partition.</p>}
      {tail ? (
        <Tail profile={profile} topic={topic} partition={partition} sampled={sampled} />
      ) : (
        <MessageList messages={sampled} />
      )}
    </section>
  );
}

function Groups({ profile }: { profile: string }) {
  // Every group the cluster lists (ListGroups), as the broker describes it.
  const groups = useLoad(() => studioApi().kafkaGroups(profile), [profile]);
  return (
    <section className="kafka-groups" aria-label="consumer groups">
      <div className="row">
        <h3>Consumer groups</h3>
        <span className="hint">lag from each group’s committed offsets, as the broker keeps them</span>
        <button type="button" onClick={groups.reload}>
          Refresh
        </button>
      </div>
      {groups.error && (
        <p className="error" role="alert">
          {groups.error}
        </p>
      )}
      {groups.value?.length === 0 && <p className="hint">The cluster lists no consumer groups.</p>}
      {groups.value?.map((g: GroupInfo) => (
        <table key={g.group} className="kafka-lag" aria-label={`lag of ${g.group}`}>
          <caption>
            {g.group} <span className="badge">{g.state}</span> ·{' '}
            {g.members.length === 1 ? '1 member' : `${g.members.length} members`} ·{' '}
            <abbr title="Committed lag: the records between the group's committed offsets and the partitions' ends. A running source has read further than it has committed (it commits what its sinks acknowledged): its node shows its read lag, smaller.">
              {g.lag} not committed
            </abbr>{' '}
            · <strong>{secondsBehind(g.secondsBehind)}</strong>
            {g.partitions.length === 0 && ' · no committed offsets yet'}
          </caption>
          <thead>
            <tr>
              <th>topic/partition</th>
              <th>committed</th>
              <th>end</th>
              <th>committed lag</th>
              <th>behind live</th>
            </tr>
          </thead>
          <tbody>
            {g.partitions.map((p) => (
              <tr key={`${p.topic}/${p.partition}`}>
                <td>
                  {p.topic}/{p.partition}
                </td>
                <td>{p.committed ?? '—'}</td>
                <td>{p.high}</td>
                <td>{p.lag}</td>
                <td>{secondsBehind(p.secondsBehind)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}

/** Add or change a connection profile (kept in the app's settings; its secret never is). */
function ProfileEditor({ existing, onSaved }: { existing?: KafkaProfileInfo; onSaved: (name: string) => void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [brokers, setBrokers] = useState(existing?.brokers.join(', ') ?? '');
  const [mechanism, setMechanism] = useState(existing?.sasl?.mechanism ?? '');
  const [username, setUsername] = useState(existing?.sasl?.username ?? '');
  const [caFile, setCaFile] = useState('');
  const [tls, setTls] = useState(existing?.tls ?? false);
  const [password, setPassword] = useState('');
  const store = useSecretStore();
  const save = async () => {
    const profile: KafkaProfileSettings = { brokers: brokers.split(/[\s,]+/).filter(Boolean) };
    if (mechanism) profile.sasl = { mechanism: mechanism as 'plain', username };
    if (tls) profile.tls = caFile ? { caFile } : {};
    await studioApi().kafkaSaveProfile(name.trim(), profile);
    if (mechanism && password) await studioApi().kafkaSetSecret(name.trim(), password);
    onSaved(name.trim());
  };
  const variable = `SLUICE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return (
    <ProfileForm
      label="profile editor"
      nameLabel="profile name"
      name={name}
      onName={setName}
      locked={!!existing}
      save={save}
      passwordHint={mechanism ? passwordHint(store, variable) : undefined}
    >
      <label>
        brokers{' '}
        <input
          value={brokers}
          onChange={(e) => setBrokers(e.target.value)}
          placeholder="host:9092, host2:9092"
          aria-label="brokers"
          size={32}
        />
      </label>
      <label>
        SASL{' '}
        <select value={mechanism} onChange={(e) => setMechanism(e.target.value)} aria-label="SASL mechanism">
          <option value="">none</option>
          <option value="plain">PLAIN</option>
          <option value="scram-sha-256">SCRAM-SHA-256</option>
          <option value="scram-sha-512">SCRAM-SHA-512</option>
        </select>
      </label>
      {mechanism && (
        <label>
          user <input value={username} onChange={(e) => setUsername(e.target.value)} aria-label="SASL user" />
        </label>
      )}
      <label>
        <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} /> TLS
      </label>
      {tls && (
        <label>
          CA file{' '}
          <input
            value={caFile}
            onChange={(e) => setCaFile(e.target.value)}
            placeholder="/etc/ssl/kafka-ca.pem (else the system’s)"
            aria-label="CA file"
          />
        </label>
      )}
      {mechanism && store === 'system' && (
        <label>
          password{' '}
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-label="SASL password"
            autoComplete="off"
            placeholder={existing?.secret?.set ? 'kept; type to replace' : ''}
          />
        </label>
      )}
    </ProfileForm>
  );
}

/**
 * Kafka topics and consumer groups of a connection profile: partitions and watermarks, the last messages of a
 * partition pretty-printed with a live tail, and each group's lag in records and in seconds behind live.
 */
export function TopicBrowser() {
  const open = useSelect(topicBrowserStore, (s) => s);
  const profiles = useLoad<KafkaProfileInfo[]>(() => studioApi().kafkaProfiles(), []);
  const [chosen, setProfile] = useState<string>();
  // Until one is chosen: the embedded development cluster.
  const profile = chosen ?? profiles.value?.find((p) => p.local)?.name ?? '';
  const [test, setTest] = useState<ConnectionTest>();
  const topics = useLoad<TopicInfo[]>(
    () => (open && profile ? studioApi().kafkaTopics(profile) : Promise.resolve([])),
    [profile, open],
  );
  const [picked, setPicked] = useState<{ topic: string; partition: number }>();
  const [editing, setEditing] = useState<'new' | 'current'>();
  if (!open) return null;
  const current = profiles.value?.find((p) => p.name === profile);
  return (
    <section className="topic-browser" aria-label="Kafka topics">
      <header className="row">
        <h2>Kafka topics</h2>
        <label>
          profile{' '}
          <select
            value={profile}
            onChange={(e) => {
              setProfile(e.target.value);
              setPicked(undefined);
              setTest(undefined);
            }}
            aria-label="connection profile"
          >
            {(profiles.value ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
                {p.local ? ' — development only' : ''}
              </option>
            ))}
          </select>
        </label>
        {current?.local && (
          <span className={`badge dev${current.fallback ? ' warn' : ''}`} title={current.note}>
            development only: {current.note ?? 'the local cluster Sluice starts itself'}
          </span>
        )}
        <button type="button" onClick={() => void studioApi().kafkaTestConnection(profile).then(setTest)}>
          Test connection
        </button>
        <button
          type="button"
          onClick={() => setEditing(editing === 'new' ? undefined : 'new')}
          aria-pressed={editing === 'new'}
        >
          New profile…
        </button>
        {current && !current.local && (
          <>
            <button type="button" onClick={() => setEditing(editing === 'current' ? undefined : 'current')}>
              Edit…
            </button>
            <button
              type="button"
              onClick={() =>
                void studioApi()
                  .kafkaDeleteProfile(profile)
                  .then(() => {
                    setProfile(undefined);
                    profiles.reload();
                  })
              }
            >
              Delete
            </button>
          </>
        )}
        {current?.secret && (
          <span className={current.secret.set ? 'ok' : 'error'}>
            {current.secret.set
              ? `password set (${current.secret.variable})`
              : `no password: set ${current.secret.variable}`}
          </span>
        )}
        <button type="button" onClick={topics.reload}>
          Refresh
        </button>
        <div className="spacer" />
      </header>
      {editing && (
        <ProfileEditor
          key={editing === 'new' ? 'new' : profile}
          existing={editing === 'current' ? current : undefined}
          onSaved={(name) => {
            setEditing(undefined);
            profiles.reload();
            setProfile(name);
            setTest(undefined);
          }}
        />
      )}
      {test && (
        <p className={test.ok ? 'ok' : 'error'} role="status" aria-label="connection test">
          {test.message}
        </p>
      )}
      {topics.error && (
        <p className="error" role="alert">
          {topics.error}
        </p>
      )}
      <div className="topic-browser-body">
        <nav className="topic-list" aria-label="topics">
          {topics.value?.length === 0 && <p className="hint">No topics yet.</p>}
          {topics.value?.map((t) => (
            <div key={t.name} className="topic">
              <div className="topic-name">
                <strong>{t.name}</strong> <span className="muted">{t.messages} messages</span>
              </div>
              <table aria-label={`partitions of ${t.name}`}>
                <tbody>
                  {t.partitions.map((p) => (
                    <tr
                      key={p.partition}
                      className={picked?.topic === t.name && picked.partition === p.partition ? 'picked' : ''}
                    >
                      <td>
                        <button
                          type="button"
                          className="link"
                          onClick={() => setPicked({ topic: t.name, partition: p.partition })}
                          aria-label={`partition ${p.partition} of ${t.name}`}
                        >
                          partition {p.partition}
                        </button>
                      </td>
                      <td className="muted">
                        {p.low}…{p.high}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </nav>
        <div className="topic-detail">
          {picked ? (
            <PartitionMessages key={`${profile}/${picked.topic}/${picked.partition}`} profile={profile} {...picked} />
          ) : (
            <p className="hint">Pick a partition to see its last messages.</p>
          )}
          <Groups profile={profile} />
        </div>
      </div>
    </section>
  );
}
