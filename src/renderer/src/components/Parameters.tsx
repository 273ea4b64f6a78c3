/**
 * Parameters in the studio: the environment picker (toolbar), each templated field's resolved value (inspector),
 * and the pipeline's parameters with their values in the environment picked.
 */
import { resolvedForDisplay } from '../../../shared/parameters';
import { documentStore } from '../state/document';
import { chooseEnvironment, environmentStore } from '../state/environments';
import { useSelect, useStore } from '../state/store';

export function EnvironmentPicker() {
  const { list, chosen, path } = useStore(environmentStore);
  const declared = useSelect(documentStore, (s) => Object.keys(s.doc.parameters ?? {}).length);
  if (!declared && !list.length) return null;
  const env = list.find((e) => e.name === chosen);
  const title = env
    ? `Parameters from ${env.file}`
    : list.length
      ? 'Parameters at their defaults; pick an environment to resolve them with its file'
      : `No environment files beside ${path ?? 'this pipeline'} (<name>.<env>.json or environments/<env>.json): parameters at their defaults`;
  return (
    <label className="env-picker" title={title}>
      <span>env</span>
      <select
        aria-label="environment"
        value={chosen ?? ''}
        onChange={(e) => chooseEnvironment(e.target.value || undefined)}
      >
        <option value="">defaults</option>
        {list.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
            {e.issues.length ? ' ⚠' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Next to a field holding `${name}`: what it resolves to in the environment picked, and where that came from. */
export function ResolvedValue({ value, field }: { value: unknown; field: string }) {
  const parameters = useSelect(documentStore, (s) => s.parameters);
  const chosen = useSelect(environmentStore, (s) => s.chosen);
  const shown = resolvedForDisplay(value, parameters ?? []);
  if (!shown) return null;
  return (
    <div className={`resolved${shown.missing.length ? ' missing' : ''}`} data-testid={`resolved-${field}`}>
      {shown.missing.length
        ? `no value for ${shown.missing.join(', ')} in ${chosen ? `environment “${chosen}”` : 'the defaults'}`
        : `= ${shown.text}`}
      <span className="resolved-from"> ({shown.from.join('; ')})</span>
    </div>
  );
}

/** The pipeline's parameters: type, value in the environment picked, where it came from, description. */
export function ParametersTable() {
  const declared = useSelect(documentStore, (s) => s.doc.parameters);
  const parameters = useSelect(documentStore, (s) => s.parameters);
  const chosen = useSelect(environmentStore, (s) => s.chosen);
  const names = Object.keys(declared ?? {});
  if (!names.length) return null;
  const resolved = new Map((parameters ?? []).map((p) => [p.name, p]));
  return (
    <section aria-label="parameters">
      <h3>Parameters {chosen ? `— environment “${chosen}”` : '— defaults'}</h3>
      <table className="params">
        <thead>
          <tr>
            <th>name</th>
            <th>type</th>
            <th>value</th>
            <th>from</th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const d = declared![name]!;
            const r = resolved.get(name);
            return (
              <tr key={name} title={d.description}>
                <td>
                  <code>{name}</code>
                </td>
                <td>{d.secret ? `${d.type}, secret` : d.type}</td>
                <td>{r?.secret ? '••••' : r?.value !== undefined ? JSON.stringify(r.value) : '—'}</td>
                <td>{r?.from ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
