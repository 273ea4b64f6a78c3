import { useReactFlow } from '@xyflow/react';
import { isError, type ValidationIssue } from '../../../shared/validation';
import { documentStore } from '../state/document';
import { flinkStore } from '../state/flink';
import { useSelect } from '../state/store';
import { focusField, select } from '../state/ui';

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** What a problem points at: a node (and the config field), or a wire. */
function target(issue: ValidationIssue): { nodeId?: string; field?: string; edgeId?: string } {
  // A problem of another file (the environment's) points at nothing on the canvas.
  if (issue.file) return {};
  const doc = documentStore.get().doc;
  const e = /^\/edges\/(\d+)/.exec(issue.pointer);
  if (e || (issue.edgeId && !issue.pointer.startsWith('/nodes/')))
    return { edgeId: issue.edgeId ?? doc.edges[Number(e![1])]?.id };
  const m = /^\/nodes\/(\d+)(?:\/config\/([^/]+))?/.exec(issue.pointer);
  const nodeId = issue.nodeId ?? (m ? doc.nodes[Number(m[1])]?.id : undefined);
  if (nodeId && doc.nodes.some((n) => n.id === nodeId))
    return { nodeId, field: m?.[2] !== undefined ? unescape(m[2]) : undefined };
  return {};
}

/** Every problem of the document, live; clicking one selects its node (focusing the field) or wire. */
export function ProblemsPanel() {
  const own = useSelect(documentStore, (s) => s.issues);
  // With a Flink target, what keeps it from running there too, said as such.
  const runOn = useSelect(flinkStore, (s) => s.target);
  const onFlink = useSelect(flinkStore, (s) => s.problems);
  const issues = onFlink.length
    ? [...own, ...onFlink.map((i) => ({ ...i, message: `on Flink (${runOn}): ${i.message}` }))]
    : own;
  const errors = issues.filter(isError).length;
  const empty = useSelect(documentStore, (s) => s.doc.nodes.length === 0);
  const flow = useReactFlow();
  const open = (issue: ValidationIssue) => {
    const t = target(issue);
    if (t.nodeId) {
      select([t.nodeId]);
      focusField(t.nodeId, t.field);
      void flow.fitView({ nodes: [{ id: t.nodeId }], duration: 200, maxZoom: 1.2 });
    } else if (t.edgeId) {
      select([], [t.edgeId]);
    }
  };
  return (
    <section className="problems" aria-label="problems">
      <h2>
        Problems <span className={`count ${errors ? 'bad' : issues.length ? 'warn' : 'ok'}`}>{issues.length}</span>
      </h2>
      {issues.length === 0 ? (
        <p className="hint">
          {empty ? 'Nothing to run yet: add nodes from the palette.' : 'No problems: the pipeline can run.'}
        </p>
      ) : (
        <ul>
          {issues.map((issue, i) => {
            const t = target(issue);
            const where = issue.file
              ? `${issue.file}${issue.line !== undefined ? `:${issue.line}` : ''}`
              : t.nodeId
                ? `${t.nodeId}${t.field ? ` · ${t.field}` : ''}`
                : t.edgeId
                  ? `wire ${t.edgeId}`
                  : issue.pointer || 'pipeline';
            return (
              <li key={i}>
                <button
                  type="button"
                  className={`problem${isError(issue) ? '' : ' warning'}`}
                  onClick={() => open(issue)}
                  aria-label={`${isError(issue) ? '' : 'warning: '}${where}: ${issue.message}`}
                >
                  <span className="where">{isError(issue) ? where : `⚠ ${where}`}</span>
                  <span className="what">{issue.message}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
