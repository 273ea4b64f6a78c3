import { useEffect, useState, type ReactNode } from 'react';
import { ParametersTable, ResolvedValue } from './Parameters';
import { SourcePartitions, WindowEventTime } from './EventTime';
import {
  DEFAULT_QUEUE_BYTES,
  DEFAULT_QUEUE_RECORDS,
  QUEUE,
  type PipelineEdge,
  type PipelineNode,
} from '../../../shared/document';
import { renameNode, setConfigField, setDocumentInfo, setEdgeQueue } from '../../../shared/edit/commands';
import { resolvePorts, type ConfigFieldInfo, type NodeTypeInfo } from '../../../shared/spec';
import { EncoderChain, encoderSettings } from './EncoderChain';
import { MediaCommand } from './MediaCommand';
import { FlinkJob } from './Flink';
import { FlinkSettingsForm } from './FlinkSettings';
import { PipelineLeaderboard } from './LiveState';
import { Preview } from './Preview';
import { WireTap } from './WireTap';
import { IngestPanel } from './Ingest';
import { RowsField, rowIssueText } from './RowsField';
import { CaptureDevices } from './CaptureDevices';
import { fieldLabel } from './format';
import { isError, type ValidationIssue } from '../../../shared/validation';
import { documentStore, edit, sealEdit } from '../state/document';
import { useSelect, useStore } from '../state/store';
import { isLocked, runStore } from '../state/studio';
import { focusStore, select, selectionStore } from '../state/ui';
import { deleteSelection, duplicateSelection } from '../state/commands';

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The JSON pointer of one config field. */
const fieldPointer = (index: number, field: string): string =>
  `/nodes/${index}/config/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Issues about one config field (its pointer, or anything under it). */
function fieldIssues(issues: readonly ValidationIssue[], index: number, field: string): ValidationIssue[] {
  const base = fieldPointer(index, field);
  return issues.filter((i) => i.pointer === base || i.pointer.startsWith(base + '/'));
}

/** One config field: the right control for its type, its unit, default, description and inline error. */
function Field({
  node,
  index,
  field,
  issues,
}: {
  node: PipelineNode;
  index: number;
  field: ConfigFieldInfo;
  issues: ValidationIssue[];
}) {
  const id = `field-${field.name}`;
  const value = node.config[field.name];
  const key = `config:${node.id}:${field.name}`;
  const set = (v: unknown, part?: string) =>
    edit((doc) => setConfigField(doc, node.id, field.name, v), part ? `${key}:${part}` : key);
  // Structured fields are edited as JSON; text that does not parse yet stays local, with its own error.
  const [draft, setDraft] = useState<{ text: string; error: string } | undefined>();
  const error =
    draft?.error ||
    issues.map((i) => (field.columns ? rowIssueText(i, fieldPointer(index, field.name)) : i.message)).join('; ');
  const onlyWarnings = !draft?.error && issues.length > 0 && !issues.some(isError);
  const describedBy = `${id}-help${error ? ` ${id}-error` : ''}`;
  const placeholder =
    field.default !== undefined ? `default: ${show(field.default)}` : field.required ? 'required' : '';
  let control;
  if (field.type === 'boolean') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={Boolean(value ?? field.default)}
        onChange={(e) => set(e.target.checked)}
        aria-describedby={describedBy}
        aria-invalid={!!error}
      />
    );
  } else if (field.type === 'enum') {
    control = (
      <select
        id={id}
        value={value === undefined ? '' : show(value)}
        onChange={(e) => set(e.target.value === '' ? undefined : field.enum?.find((x) => show(x) === e.target.value))}
        aria-describedby={describedBy}
        aria-invalid={!!error}
      >
        <option value="">{field.default !== undefined ? `default (${show(field.default)})` : '— choose —'}</option>
        {field.enum?.map((x) => (
          <option key={show(x)} value={show(x)}>
            {show(x)}
          </option>
        ))}
      </select>
    );
  } else if (field.type === 'number' || field.type === 'integer') {
    control = (
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={show(value)}
        placeholder={placeholder}
        onChange={(e) => {
          const t = e.target.value.trim();
          // Text that is not a number is kept as typed: the engine's validation says what is wrong, inline.
          set(t === '' ? undefined : Number.isFinite(Number(t)) ? Number(t) : e.target.value);
        }}
        onBlur={sealEdit}
        aria-describedby={describedBy}
        aria-invalid={!!error}
      />
    );
  } else if (field.type === 'string') {
    const long = field.widget === 'code';
    control = long ? (
      <textarea
        id={id}
        className="mono"
        rows={3}
        value={show(value)}
        placeholder={placeholder}
        onChange={(e) => set(e.target.value === '' ? undefined : e.target.value)}
        onBlur={sealEdit}
        aria-describedby={describedBy}
        aria-invalid={!!error}
        spellCheck={false}
      />
    ) : (
      <input
        id={id}
        type="text"
        value={show(value)}
        placeholder={placeholder}
        onChange={(e) => set(e.target.value === '' ? undefined : e.target.value)}
        onBlur={sealEdit}
        aria-describedby={describedBy}
        aria-invalid={!!error}
        spellCheck={false}
      />
    );
  } else if (field.columns) {
    control = (
      <RowsField
        id={id}
        field={field}
        value={value}
        issues={issues}
        base={fieldPointer(index, field.name)}
        describedBy={describedBy}
        set={set}
        seal={sealEdit}
      />
    );
  } else if (field.type === 'string[]') {
    // A list of names, typed as "a, b, c"; an empty field takes the default.
    control = (
      <input
        id={id}
        type="text"
        value={draft?.text ?? (Array.isArray(value) ? value.join(', ') : show(value))}
        placeholder={field.default !== undefined ? `default: ${show(field.default)}` : 'comma-separated'}
        onChange={(e) => {
          const items = e.target.value.split(',').map((s) => s.trim());
          setDraft(e.target.value.trim() === '' ? undefined : { text: e.target.value, error: '' });
          set(e.target.value.trim() === '' ? undefined : items.filter((s, i) => s !== '' || i < items.length - 1));
        }}
        onBlur={() => {
          setDraft(undefined);
          sealEdit();
        }}
        aria-describedby={describedBy}
        aria-invalid={!!error}
        spellCheck={false}
      />
    );
  } else {
    control = (
      <textarea
        id={id}
        className="mono"
        rows={Math.min(10, Math.max(3, (draft?.text ?? JSON.stringify(value ?? null, null, 2)).split('\n').length))}
        value={draft?.text ?? (value === undefined ? '' : JSON.stringify(value, null, 2))}
        placeholder={
          field.default !== undefined ? JSON.stringify(field.default) : field.required ? 'required (JSON)' : 'JSON'
        }
        onChange={(e) => {
          const text = e.target.value;
          if (text.trim() === '') {
            setDraft(undefined);
            return set(undefined);
          }
          try {
            set(JSON.parse(text));
            setDraft(undefined);
          } catch (err) {
            setDraft({ text, error: `not valid JSON yet: ${(err as Error).message}` });
          }
        }}
        onBlur={sealEdit}
        aria-describedby={describedBy}
        aria-invalid={!!error}
        spellCheck={false}
      />
    );
  }
  return (
    <div className={`field${error ? (onlyWarnings ? ' warned' : ' invalid') : ''}`}>
      <label htmlFor={field.columns ? undefined : id} id={`${id}-label`}>
        {fieldLabel(field.name, field.unit)}
        {field.unit && <span className="unit"> ({field.unit})</span>}
        {field.required && (
          <span className="req" title="required">
            {' '}
            *
          </span>
        )}{' '}
        <code className="field-key" title="its name in the pipeline file">
          {field.name}
        </code>
      </label>
      {control}
      <ResolvedValue value={value} field={field.name} />
      <div id={`${id}-help`} className="help">
        {field.description}
        {field.default !== undefined && !field.columns && (
          <span className="default"> Default: {show(field.default)}.</span>
        )}
      </div>
      {error && (
        <div id={`${id}-error`} className={onlyWarnings ? 'warning' : 'error'} role="alert">
          {onlyWarnings ? `⚠ ${error}` : error}
        </div>
      )}
    </div>
  );
}

function NodeIdField({ node }: { node: PipelineNode }) {
  const [text, setText] = useState(node.id);
  const [error, setError] = useState<string>();
  // The inspector is keyed by node id, so a renamed node gets a fresh field.
  const apply = () => {
    if (text === node.id) return;
    const r = renameNode(documentStore.get().doc, node.id, text.trim());
    if ('refused' in r) return setError(r.refused);
    edit(() => r.doc);
    select([text.trim()]);
  };
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor="node-id">Node id</label>
      <input
        id="node-id"
        type="text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
        aria-describedby="node-id-help"
        spellCheck={false}
      />
      <div id="node-id-help" className="help">
        Names the node in the file, in metrics and in edges. Applied on Enter or when you leave the field.
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** A node's last error in the run on screen: what it said, how many so far, and the record that caused it. */
function LastError({ nodeId }: { nodeId: string }) {
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  const e = useSelect(runStore, (s) =>
    viewRunId === undefined ? undefined : s.errors.findLast((x) => x.nodeId === nodeId && x.runId === viewRunId),
  );
  if (!e) return null;
  return (
    <section className="last-error" aria-label="last error" id="last-error" tabIndex={-1}>
      <h3>
        Last error{' '}
        <span className="muted">
          · {e.count} in this run · {new Date(e.time).toLocaleTimeString('en-GB', { hour12: false })}
        </span>
      </h3>
      <p className="error">{e.message}</p>
      {e.record ? (
        <>
          <div className="muted">The record that caused it:</div>
          <pre className="error-record" aria-label="record that caused it">
            {e.record}
          </pre>
        </>
      ) : (
        <div className="muted">Not a record’s error: the node’s own.</div>
      )}
    </section>
  );
}

/** Where the plan puts the node (which executor runs it, and why), for a document that can run. */
function RunsOn({ nodeId }: { nodeId: string }) {
  const placed = useSelect(documentStore, (s) => s.plan?.nodes.find((n) => n.nodeId === nodeId));
  if (!placed) return null;
  return (
    <p className="runs-on" aria-label="runs on">
      Runs on <strong>{placed.executor}</strong>
      {placed.group ? ` (${placed.group})` : ''}: <span className="muted">{placed.reason}</span>
    </p>
  );
}

function NodeInspector({ node, index, info }: { node: PipelineNode; index: number; info: NodeTypeInfo | undefined }) {
  const issues = useSelect(documentStore, (s) => s.issues);
  const own = issues.filter((i) => i.nodeId === node.id && !i.pointer.startsWith(`/nodes/${index}/config/`));
  return (
    <>
      <h2>
        {info?.title ?? node.type} <span className="muted">· {node.type}</span>
      </h2>
      {info && <p className="help">{info.description}</p>}
      {!info && (
        <p className="error">
          Unknown node type “{node.type}”: it cannot run. Delete it or open the file in a text editor.
        </p>
      )}
      {own.map((i, k) => (
        <p key={k} className="error" role="alert">
          {i.message}
        </p>
      ))}
      <LastError nodeId={node.id} />
      <RunsOn nodeId={node.id} />
      {node.type === 'kafka-source' && <SourcePartitions nodeId={node.id} />}
      {node.type === 'window' && <WindowEventTime node={node} />}
      {node.type === 'stream-ingest' && <IngestPanel node={node} />}
      <LockedForm>
        <NodeIdField node={node} />
        {info?.fields.map((f) => (
          <Field
            key={`${node.id}/${f.name}`}
            node={node}
            index={index}
            field={f}
            issues={fieldIssues(issues, index, f.name)}
          />
        ))}
        {info && info.fields.length === 0 && <p className="hint">This node type has no settings.</p>}
      </LockedForm>
      {node.type === 'encoder' && <EncoderChain settings={encoderSettings(info, node.config)} />}
      {(node.type === 'encoder' || carriesKafkaVideo(node)) && <Preview target={node.id} />}
      {(node.type === 'camera' || node.type === 'microphone' || node.type === 'screen') && (
        <CaptureDevices node={node} />
      )}
      {info?.media && <MediaCommand key={node.id} node={node} />}
    </>
  );
}

/** One of a wire's queue bounds: empty means the default. */
function QueueLimit(p: {
  id: string;
  unit: string;
  value: number | undefined;
  min: number;
  fallback: number;
  help: string;
  onChange: (v: number | undefined) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={p.id}>
        Queue capacity <span className="unit">({p.unit})</span>
      </label>
      <input
        id={p.id}
        type="number"
        min={p.min}
        value={p.value ?? ''}
        placeholder={`default: ${p.fallback}`}
        onChange={(e) => p.onChange(e.target.value.trim() === '' ? undefined : Number(e.target.value))}
        onBlur={sealEdit}
        aria-describedby={`${p.id}-help`}
      />
      <div id={`${p.id}-help`} className="help">
        {p.help}
      </div>
    </div>
  );
}

/** A Kafka source reading video (fMP4 published by a Kafka sink with a stream): the studio can watch it. */
const carriesKafkaVideo = (node: PipelineNode | undefined): boolean =>
  node?.type === 'kafka-source' && node.config.format === 'fmp4';

/** The type of a node's port in the open document ('?' when unknown). */
function usePortType(): (nodeId: string, port: string, dir: 'inputs' | 'outputs') => string {
  const infos = useSelect(documentStore, (s) => s.nodeTypes);
  const doc = useSelect(documentStore, (s) => s.doc);
  return (nodeId, port, dir) => {
    const n = doc.nodes.find((x) => x.id === nodeId);
    return (n && resolvePorts(infos.get(n.type), n.config)[dir].find((p) => p.name === port)?.type) ?? '?';
  };
}

/**
 * The settings of what is selected: read-only while the pipeline runs, saying so. Only they are: what reads, watches
 * or explains (the preview, the ffmpeg command, the probe, the Flink job, the wire tap) stays usable.
 */
function LockedForm({ children }: { children: ReactNode }) {
  const locked = useSelect(runStore, (s) => isLocked(s));
  return (
    <fieldset
      disabled={locked}
      className="settings"
      aria-label={locked ? 'settings (read-only while running)' : 'settings'}
    >
      {locked && <p className="hint locked-hint">Read-only while the pipeline runs: stop it to edit.</p>}
      {children}
    </fieldset>
  );
}

/** A wire's tap (watching is what one does while it runs). */
function EdgeTap({ edge }: { edge: PipelineEdge }) {
  const portType = usePortType();
  return /^(video|audio)\//.test(portType(edge.from.node, edge.from.port, 'outputs')) ? null : (
    <WireTap edgeId={edge.id} />
  );
}

function EdgeInspector({ edge }: { edge: PipelineEdge }) {
  const doc = useSelect(documentStore, (s) => s.doc);
  const chained = useSelect(runStore, (s) => s.status.chainedEdges?.includes(edge.id) ?? false);
  const portType = usePortType();
  const q = edge.queue ?? {};
  const setQ = (patch: Partial<typeof q>) =>
    edit((d) => setEdgeQueue(d, edge.id, { ...q, ...patch }), `queue:${edge.id}`);
  const fromType = portType(edge.from.node, edge.from.port, 'outputs');
  const media = /^(video|audio)\//.test(fromType);
  return (
    <>
      <h2>
        Wire <span className="muted">· {edge.id}</span>
      </h2>
      <p>
        <code>
          {edge.from.node}.{edge.from.port}
        </code>{' '}
        ({portType(edge.from.node, edge.from.port, 'outputs')}) →{' '}
        <code>
          {edge.to.node}.{edge.to.port}
        </code>{' '}
        ({portType(edge.to.node, edge.to.port, 'inputs')})
      </p>
      {chained && (
        <p className="hint">
          In this run the wire is chained: the downstream operator runs inside its upstream’s call, with no queue.
        </p>
      )}
      {media && (
        <p className="hint">
          A media wire: what it carries stays inside the group’s ffmpeg process (no queue in Sluice).
        </p>
      )}
      {(fromType.startsWith('video/encoded') || carriesKafkaVideo(doc.nodes.find((n) => n.id === edge.from.node))) && (
        <Preview target={edge.id} />
      )}
      {!media && (
        <LockedForm>
          <QueueLimit
            id="queue-max-records"
            unit="records"
            value={q.maxRecords}
            min={QUEUE.maxRecords.min}
            fallback={DEFAULT_QUEUE_RECORDS}
            help="How many records may wait on this wire before the overflow policy applies."
            onChange={(v) => setQ({ maxRecords: v })}
          />
          <QueueLimit
            id="queue-max-bytes"
            unit="bytes"
            value={q.maxBytes}
            min={QUEUE.maxBytes.min}
            fallback={DEFAULT_QUEUE_BYTES}
            help="A bound on the bytes waiting, whichever limit is reached first."
            onChange={(v) => setQ({ maxBytes: v })}
          />
          <div className="field">
            <label htmlFor="queue-overflow">Overflow policy</label>
            <select
              id="queue-overflow"
              value={q.overflow ?? ''}
              onChange={(e) => setQ({ overflow: (e.target.value || undefined) as 'block' | 'drop' | undefined })}
              aria-describedby="queue-overflow-help"
            >
              <option value="">default (block)</option>
              <option value="block">block — back pressure</option>
              <option value="drop">drop — discard and count</option>
            </select>
            <div id="queue-overflow-help" className="help">
              When the queue is full: block makes the producer wait (back pressure); drop discards new records and
              counts them.
            </div>
          </div>
        </LockedForm>
      )}
    </>
  );
}

function DocumentInspector() {
  const doc = useSelect(documentStore, (s) => s.doc);
  const running = useSelect(runStore, (s) => s.status.phase === 'running');
  // While it runs, the pipeline's video plays here (its first encoder's), with nothing to select first.
  const encoder = running ? doc.nodes.find((n) => n.type === 'encoder') : undefined;
  return (
    <>
      <h2>Pipeline</h2>
      <LockedForm>
        <div className="field">
          <label htmlFor="doc-name">Name</label>
          <input
            id="doc-name"
            type="text"
            value={doc.name}
            onChange={(e) => edit((d) => setDocumentInfo(d, { name: e.target.value }), 'doc:name')}
            onBlur={sealEdit}
          />
        </div>
        <div className="field">
          <label htmlFor="doc-description">Description</label>
          <textarea
            id="doc-description"
            rows={3}
            value={doc.description ?? ''}
            onChange={(e) => edit((d) => setDocumentInfo(d, { description: e.target.value }), 'doc:description')}
            onBlur={sealEdit}
          />
        </div>
        <p className="hint">
          {doc.nodes.length} node(s), {doc.edges.length} wire(s). Select a node or a wire to edit it.
        </p>
        <ParametersTable />
        <FlinkSettingsForm />
      </LockedForm>
      {encoder && (
        <div aria-label="pipeline video">
          <p className="hint">
            Video of <strong>{encoder.id}</strong> (select a wire to watch another):
          </p>
          <Preview target={encoder.id} />
        </div>
      )}
      {running && <PipelineLeaderboard />}
    </>
  );
}

/** The form for what is selected: a node's config (generated from its schema), a wire's queue, or the pipeline. */
export function Inspector() {
  const selection = useStore(selectionStore);
  const doc = useSelect(documentStore, (s) => s.doc);
  const infos = useSelect(documentStore, (s) => s.nodeTypes);
  const locked = useSelect(runStore, (s) => isLocked(s));
  const focus = useStore(focusStore);
  const count = selection.nodes.size + selection.edges.size;
  const nodeIndex =
    selection.nodes.size === 1 && selection.edges.size === 0
      ? doc.nodes.findIndex((n) => selection.nodes.has(n.id))
      : -1;
  const edge =
    selection.edges.size === 1 && selection.nodes.size === 0
      ? doc.edges.find((e) => selection.edges.has(e.id))
      : undefined;

  useEffect(() => {
    if (!focus.seq) return;
    const el = document.getElementById(focus.field ? `field-${focus.field}` : 'node-id');
    el?.focus();
    el?.scrollIntoView({ block: 'nearest' });
  }, [focus]);

  let body;
  if (nodeIndex >= 0) {
    const node = doc.nodes[nodeIndex]!;
    body = <NodeInspector key={node.id} node={node} index={nodeIndex} info={infos.get(node.type)} />;
  } else if (edge) body = <EdgeInspector key={edge.id} edge={edge} />;
  else if (count > 1) {
    body = (
      <>
        <h2>{count} selected</h2>
        <p className="hint">
          {selection.nodes.size} node(s), {selection.edges.size} wire(s).
        </p>
        <div className="row">
          <button type="button" onClick={duplicateSelection} disabled={locked || selection.nodes.size === 0}>
            Duplicate
          </button>
          <button type="button" onClick={deleteSelection} disabled={locked}>
            Delete
          </button>
        </div>
      </>
    );
  } else body = <DocumentInspector />;

  return (
    <section className="panel inspector" aria-label="inspector">
      {body}
      {edge && <EdgeTap key={edge.id} edge={edge} />}
      {nodeIndex >= 0 && <FlinkJob key={`flink-${doc.nodes[nodeIndex]!.id}`} node={doc.nodes[nodeIndex]!} />}
    </section>
  );
}
