/**
 * A list of objects in a node's settings (a window's aggregates) edited as a table: one row per item, one column per
 * field of an item, with rows added, removed and moved — not typed as JSON.
 */
import type { ConfigFieldInfo } from '../../../shared/spec';
import type { ValidationIssue } from '../../../shared/validation';
import { fieldLabel } from './format';

type Row = Record<string, unknown>;

const show = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** A new row: the first default row's values (or each required choice's first option), its names made unique. */
export function newRow(field: ConfigFieldInfo, rows: readonly Row[]): Row {
  // The default's first row, else a copy of the last row (a ladder's next rung starts as the one above it).
  const template = Array.isArray(field.default) ? (field.default[0] as Row | undefined) : rows.at(-1);
  const row: Row = { ...(template ?? {}) };
  // What the defaults say anyway is left out, as the file would leave it.
  for (const c of field.columns ?? []) if (c.default !== undefined && row[c.name] === c.default) delete row[c.name];
  for (const c of field.columns ?? []) {
    if (row[c.name] === undefined && c.required && c.enum) row[c.name] = c.enum[0];
    if (row[c.name] === undefined && c.required && c.type === 'string') row[c.name] = c.name;
  }
  // A name the other rows already use (an output field, say) gets a number: count, count_2, count_3…
  for (const c of field.columns ?? []) {
    const v = row[c.name];
    if (c.type !== 'string' || typeof v !== 'string' || !c.required) continue;
    let k = 2;
    while (rows.some((r) => r[c.name] === row[c.name])) row[c.name] = `${v}_${k++}`;
  }
  return row;
}

/** An issue inside the list, said by row and column ("row 2, Field: sum needs a field") rather than by path. */
export function rowIssueText(issue: ValidationIssue, base: string): string {
  const [row, col] = issue.pointer.slice(base.length + 1).split('/');
  const message = issue.message.replace(/^"[^"]*":\s*/, '');
  if (row === undefined || row === '' || !/^\d+$/.test(row)) return message;
  return `row ${Number(row) + 1}${col ? `, ${fieldLabel(col)}` : ''}: ${message}`;
}

/** How wide a column is drawn: a choice needs room for its arrow, a number little, a name the rest. */
const columnWidth = (c: ConfigFieldInfo): 'choice' | 'number' | 'text' =>
  c.enum ? 'choice' : c.type === 'number' || c.type === 'integer' ? 'number' : 'text';

/** The value typed into a cell, as the row keeps it: empty removes it; text that is not a number stays as typed. */
function cellValue(c: ConfigFieldInfo, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  if (c.type === 'number' || c.type === 'integer') return Number.isFinite(Number(t)) ? Number(t) : text;
  return text;
}

export function RowsField(p: {
  id: string;
  field: ConfigFieldInfo;
  value: unknown;
  /** Issues under this field, with their row and column taken from the pointer's tail. */
  issues: readonly ValidationIssue[];
  base: string;
  describedBy: string;
  set: (rows: Row[] | undefined, key?: string) => void;
  seal: () => void;
}) {
  const columns = p.field.columns ?? [];
  const given = Array.isArray(p.value) ? (p.value as Row[]) : undefined;
  const rows: Row[] = given ?? (Array.isArray(p.field.default) ? (p.field.default as Row[]) : []);
  const cellIssue = (r: number, c: string) =>
    p.issues.filter((i) => i.pointer === `${p.base}/${r}/${c}` || i.pointer.startsWith(`${p.base}/${r}/${c}/`));
  /** A change; one that adds, moves or removes a row (or picks an option) is its own undo step, typing is not. */
  const update = (next: Row[], key?: string) => {
    if (key === undefined) p.seal();
    p.set(next, key);
    if (key === undefined) p.seal();
  };
  const setCell = (r: number, c: ConfigFieldInfo, v: unknown, typed = false) => {
    const next = rows.map((row, i) => {
      if (i !== r) return row;
      const copy = { ...row };
      if (v === undefined) delete copy[c.name];
      else copy[c.name] = v;
      return copy;
    });
    update(next, typed ? `${r}/${c.name}` : undefined);
  };
  const move = (r: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(r, 1);
    next.splice(r + by, 0, row!);
    update(next);
  };
  return (
    <div className="rows-field">
      <table id={p.id} className="rows-table" aria-labelledby={`${p.id}-label`} aria-describedby={p.describedBy}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} scope="col" title={c.description} className={`col-${columnWidth(c)}`}>
                {fieldLabel(c.name, c.unit)}
                {c.required && <span className="req"> *</span>}
              </th>
            ))}
            <th scope="col">
              <span className="sr-only">row actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {columns.map((c) => {
                const bad = cellIssue(r, c.name);
                const label = `${fieldLabel(p.field.name)} row ${r + 1}: ${fieldLabel(c.name, c.unit)}`;
                const common = {
                  'aria-label': label,
                  'aria-invalid': bad.length > 0,
                  title: bad.length ? bad.map((i) => i.message).join('; ') : c.description,
                };
                return (
                  <td key={c.name} className={bad.length ? 'invalid' : undefined}>
                    {c.enum ? (
                      <select
                        {...common}
                        value={show(row[c.name])}
                        onChange={(e) =>
                          setCell(
                            r,
                            c,
                            e.target.value === '' ? undefined : c.enum?.find((x) => show(x) === e.target.value),
                          )
                        }
                      >
                        {!c.required && <option value="">{c.default !== undefined ? show(c.default) : '—'}</option>}
                        {c.enum.map((x) => (
                          <option key={show(x)} value={show(x)}>
                            {show(x)}
                          </option>
                        ))}
                      </select>
                    ) : c.type === 'boolean' ? (
                      <input
                        {...common}
                        type="checkbox"
                        checked={Boolean(row[c.name] ?? c.default)}
                        onChange={(e) => setCell(r, c, e.target.checked)}
                      />
                    ) : (
                      <input
                        {...common}
                        type="text"
                        inputMode={c.type === 'number' || c.type === 'integer' ? 'decimal' : undefined}
                        value={show(row[c.name])}
                        placeholder={c.default !== undefined ? show(c.default) : c.required ? 'required' : ''}
                        spellCheck={false}
                        onChange={(e) => setCell(r, c, cellValue(c, e.target.value), true)}
                        onBlur={p.seal}
                      />
                    )}
                  </td>
                );
              })}
              <td className="row-actions">
                <button
                  type="button"
                  className="icon"
                  aria-label={`move row ${r + 1} up`}
                  title="Move up"
                  disabled={r === 0}
                  onClick={() => move(r, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`remove row ${r + 1}`}
                  title="Remove this row"
                  onClick={() => update(rows.filter((_, i) => i !== r))}
                >
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="add-row" onClick={() => update([...rows, newRow(p.field, rows)])}>
        + Add {fieldLabel(p.field.name).toLowerCase().replace(/s$/, '')}
      </button>
    </div>
  );
}
