import { currentChoice } from '../state/environments';
import { useEffect, useState } from 'react';
import type { FlinkJobView } from '../../../shared/flink';
import type { PipelineNode } from '../../../shared/document';
import { documentStore, edit } from '../state/document';
import { setConfigField } from '../../../shared/edit/commands';
import { downloadText } from '../state/files';
import { flinkStore, IN_PROCESS, loadFlinkProfiles, runTarget, saveFlinkProfile } from '../state/flink';
import { useSelect, useStore } from '../state/store';
import { isLocked, metricsStore, runPipeline, runStore, studioApi } from '../state/studio';
import { Modal } from './Dialogs';

const formatBytes = (n: number): string =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

/** Node types the Flink compiler takes (the data part). */
const FLINK_TYPES = new Set(['kafka-source', 'filter', 'map', 'key-by', 'window', 'kafka-sink', 'archive']);

/** Beside the Run button: where Run sends the pipeline — this machine, or its data part to a Flink profile. */
export function RunTarget() {
  const { profiles, target } = useStore(flinkStore);
  const locked = useSelect(runStore, isLocked);
  useEffect(() => void loadFlinkProfiles(), []);
  return (
    <select
      aria-label="run target"
      value={target}
      disabled={locked}
      title="Where Run sends the pipeline: in-process on this machine, or its data part (Kafka → filter/map/key-by/window → Kafka, archive) to Flink, the rest here"
      onChange={(e) => {
        if (e.target.value === '+') flinkStore.set((s) => ({ ...s, editing: true }));
        else flinkStore.set((s) => ({ ...s, target: e.target.value }));
      }}
    >
      <option value={IN_PROCESS}>in-process</option>
      {profiles.map((p) => (
        <option key={p.name} value={p.name} title={p.note}>
          Flink: {p.name}
          {p.local ? ' (embedded, dev only)' : ''}
        </option>
      ))}
      <option value="+">Flink profile…</option>
    </select>
  );
}

/** Add a Flink connection profile: a name and the JobManager's REST address (secrets go to the environment). */
export function FlinkProfileDialog() {
  const { editing, error } = useStore(flinkStore);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('http://127.0.0.1:8081');
  const [user, setUser] = useState('');
  if (!editing) return null;
  const close = () => flinkStore.set((s) => ({ ...s, editing: false, error: undefined }));
  return (
    <Modal title="Flink connection profile" onClose={close}>
      <p className="help">
        A Flink cluster’s JobManager (its REST API, as its web UI uses it). A password or token is never kept in the
        pipeline or the settings file: it comes from SLUICE_SECRET_&lt;PROFILE&gt;.
      </p>
      {(
        [
          ['flink-name', 'Name', name, setName, 'e.g. production'],
          ['flink-url', 'JobManager REST URL', url, setUrl, 'http://jobmanager:8081'],
          ['flink-user', 'User (basic authentication, optional)', user, setUser, ''],
        ] as const
      ).map(([id, label, value, set, placeholder]) => (
        <div className="field" key={id}>
          <label htmlFor={id}>{label}</label>
          <input
            id={id}
            type="text"
            value={value}
            placeholder={placeholder}
            onChange={(e) => set(e.target.value)}
            spellCheck={false}
          />
        </div>
      ))}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row end">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={!name.trim()}
          onClick={() =>
            void saveFlinkProfile(name.trim(), { url, ...(user ? { auth: { kind: 'basic', username: user } } : {}) })
          }
        >
          Save profile
        </button>
      </div>
    </Modal>
  );
}

/**
 * In the inspector of a data node: "Show Flink job" — the exact Flink SQL a deploy to the chosen profile (or the
 * embedded one) runs, with copy and export; or why it does not compile.
 */
export function FlinkJob({ node }: { node: PipelineNode }) {
  const [job, setJob] = useState<FlinkJobView>();
  const [error, setError] = useState<string>();
  if (!FLINK_TYPES.has(node.type)) return null;
  const show = async () => {
    setError(undefined);
    const t = flinkStore.get().target;
    try {
      setJob(await studioApi().flinkJob(documentStore.get().doc, t === IN_PROCESS ? 'local' : t, currentChoice()));
    } catch (err) {
      setJob(undefined);
      const issues = (err as { issues?: { nodeId?: string; pointer: string; message: string }[] }).issues ?? [];
      setError(
        [(err as Error).message, ...issues.map((i) => `node “${i.nodeId}” (${i.pointer}): ${i.message}`)].join('\n'),
      );
    }
  };
  return (
    <section className="media-command" aria-label="Flink job">
      {node.type === 'kafka-source' && <InferSchema node={node} />}
      <button type="button" onClick={() => void show()}>
        {job ? 'Show Flink job again' : 'Show Flink job'}
      </button>
      {error && (
        <p className="error" role="alert" style={{ whiteSpace: 'pre-wrap' }}>
          {error}
        </p>
      )}
      {job && (
        <>
          <p className="hint">
            On Flink ({job.profile}): {job.nodes.map((n) => `“${n}”`).join(', ')}.
            {job.bridges.length > 0 &&
              ` Read in-process through Kafka: ${job.bridges.map((b) => `${b.from} → ${b.to.join(', ')}`).join('; ')}.`}
          </p>
          <pre data-testid="flink-sql">{job.sql}</pre>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(job.sql)}>
            Copy
          </button>{' '}
          <button
            type="button"
            onClick={() =>
              downloadText(`${documentStore.get().doc.name.replace(/\W+/g, '-')}.flink.sql`, job.sql, 'application/sql')
            }
          >
            Export as SQL
          </button>
        </>
      )}
    </section>
  );
}

/** In the status bar while (or after) a run's data part is on Flink: the job, its checkpoints and restarts. */
export function FlinkJobStatus() {
  const status = useSelect(runStore, (s) => s.status);
  const job = useSelect(metricsStore, (m) => (m.latest?.runId === status.runId ? m.latest?.flink : undefined));
  const info = status.flink;
  if (status.target?.kind !== 'flink' || !info) return null;
  const c = job?.checkpoints;
  return (
    <span className="flink-job" data-testid="flink-job" title={`Flink profile ${info.profile} (${info.url})`}>
      Flink job {info.jobId.slice(0, 8)} ·{' '}
      {status.phase === 'running' || status.phase === 'stopping'
        ? (job?.state.toLowerCase() ?? 'starting')
        : info.savepoint
          ? 'stopped with a savepoint'
          : 'stopped'}
      {job ? ` · ${job.restarts} restart(s)` : ''}
      {c
        ? ` · checkpoints ${c.completed}${c.last ? ` (last #${c.last.id}, ${c.last.durationMs} ms, ${formatBytes(c.last.sizeBytes)})` : ''}${c.failed ? `, ${c.failed} failed` : ''}`
        : ''}
      {info.savepoint && (
        <>
          {' '}
          · savepoint <code data-testid="savepoint">{info.savepoint}</code>{' '}
          <button
            type="button"
            disabled={status.phase === 'running' || status.phase === 'starting'}
            onClick={() =>
              void runPipeline({ ...runTarget(), kind: 'flink', profile: info.profile, fromSavepoint: info.savepoint })
            }
          >
            Start from savepoint
          </button>
        </>
      )}
    </span>
  );
}

/** A Kafka source's schema from its topic: sampled, written into the node's config for review (undo takes it back). */
function InferSchema({ node }: { node: PipelineNode }) {
  const [said, setSaid] = useState<string>();
  const locked = useSelect(runStore, isLocked);
  const infer = async () => {
    const cfg = node.config as { profile?: string; topics?: string[] };
    try {
      const r = await studioApi().kafkaInferSchema(cfg.profile ?? 'local', cfg.topics ?? []);
      edit((doc) => setConfigField(doc, node.id, 'schema', r.schema));
      setSaid(
        `${Object.keys(r.schema).length} field(s) from ${r.sampled} message(s) written into “schema”: review them.${r.notes.length ? ` ${r.notes.join('; ')}.` : ''}`,
      );
    } catch (err) {
      setSaid((err as Error).message);
    }
  };
  return (
    <>
      <button
        type="button"
        onClick={() => void infer()}
        disabled={locked || !(node.config as { topics?: string[] }).topics?.length}
      >
        Infer schema from the topic
      </button>{' '}
      {said && (
        <p className="hint" role="status">
          {said}
        </p>
      )}
    </>
  );
}
