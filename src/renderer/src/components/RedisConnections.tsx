import { useState } from 'react';
import type { ConnectionTest } from '../../../shared/kafka';
import type { RedisProfileInfo, RedisProfileSettings } from '../../../shared/redis';
import { studioApi } from '../state/studio';
import { useLoad } from './useLoad';
import { passwordHint, ProfileForm, useSecretStore } from './ProfileForm';

const variableOf = (name: string) => `SLUICE_SECRET_REDIS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

function RedisProfileEditor({ existing, onSaved }: { existing?: RedisProfileInfo; onSaved: () => void }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [url, setUrl] = useState(existing?.url ?? 'redis://');
  const [username, setUsername] = useState(existing?.username ?? '');
  const [caFile, setCaFile] = useState(existing?.caFile ?? '');
  const [password, setPassword] = useState('');
  const store = useSecretStore();
  const save = async () => {
    const profile: RedisProfileSettings = { url: url.trim() };
    if (username) profile.username = username;
    if (caFile) profile.tls = { caFile };
    await studioApi().redisSaveProfile(name.trim(), profile);
    if (password) await studioApi().redisSetSecret(name.trim(), password);
    onSaved();
  };
  return (
    <ProfileForm
      label="Redis profile editor"
      nameLabel="Redis profile name"
      name={name}
      onName={setName}
      locked={!!existing}
      save={save}
      passwordHint={passwordHint(store, variableOf(name || 'name'))}
    >
      <label>
        URL{' '}
        <input
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="redis://host:6379 or rediss://host:6380/0"
          aria-label="Redis URL"
          size={28}
        />
      </label>
      <label>
        user{' '}
        <input
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          placeholder="(ACL user, optional)"
          aria-label="Redis user"
        />
      </label>
      {url.startsWith('rediss:') && (
        <label>
          CA file{' '}
          <input
            value={caFile}
            onChange={(e) => setCaFile(e.target.value)}
            placeholder="/etc/ssl/redis-ca.pem (else the system’s)"
            aria-label="Redis CA file"
          />
        </label>
      )}
      {store === 'system' && (
        <label>
          password{' '}
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-label="Redis password"
            autoComplete="off"
            placeholder={existing?.secret?.set ? 'kept; type to replace' : ''}
          />
        </label>
      )}
    </ProfileForm>
  );
}

/** The Redis connection profiles: the embedded one and those in the settings; add, edit, delete, test. */
export function RedisConnections() {
  const profiles = useLoad<RedisProfileInfo[]>(() => studioApi().redisProfiles(), []);
  const [editing, setEditing] = useState<RedisProfileInfo | 'new'>();
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'testing'>>({});
  const test = (name: string) => {
    setTests((t) => ({ ...t, [name]: 'testing' }));
    void studioApi()
      .redisTestConnection(name)
      .then((r) => setTests((t) => ({ ...t, [name]: r })));
  };
  return (
    <section className="redis-connections" aria-label="Redis connections">
      {profiles.error && (
        <p className="error" role="alert">
          {profiles.error}
        </p>
      )}
      <table className="redis-profiles">
        <tbody>
          {profiles.value?.map((p) => {
            const t = tests[p.name];
            return (
              <tr key={p.name} aria-label={`Redis profile ${p.name}`}>
                <td>
                  <strong>{p.name}</strong>
                  <div className="muted">
                    {p.local ? (
                      <span className="badge dev">development only: a redis-server Sluice starts itself</span>
                    ) : (
                      <>
                        {p.url}
                        {p.username ? ` as ${p.username}` : ''}
                        {p.tls ? ' · TLS' : ''}
                        {p.secret && (
                          <span className={p.secret.set ? 'ok' : ''}>
                            {' '}
                            · {p.secret.set ? 'password set' : `no password (${p.secret.variable})`}
                          </span>
                        )}
                      </>
                    )}
                  </div>
                  {t && t !== 'testing' && (
                    <div className={t.ok ? 'ok' : 'error'} role="status" aria-label={`connection test ${p.name}`}>
                      {t.message}
                    </div>
                  )}
                </td>
                <td className="actions">
                  <button type="button" onClick={() => test(p.name)} disabled={t === 'testing'}>
                    {t === 'testing' ? 'Testing…' : 'Test'}
                  </button>
                  {!p.local && (
                    <>
                      <button type="button" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                        Edit…
                      </button>
                      <button
                        type="button"
                        onClick={() => void studioApi().redisDeleteProfile(p.name).then(profiles.reload)}
                        aria-label={`Delete ${p.name}`}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" onClick={() => setEditing('new')}>
        New profile…
      </button>
      {editing && (
        <RedisProfileEditor
          key={editing === 'new' ? 'new' : editing.name}
          existing={editing === 'new' ? undefined : editing}
          onSaved={() => {
            setEditing(undefined);
            profiles.reload();
          }}
        />
      )}
    </section>
  );
}
