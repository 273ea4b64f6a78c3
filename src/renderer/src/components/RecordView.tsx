/**
 * A record as people read it: one line when collapsed, its fields one per line when opened, objects and lists inside
 * collapsible in turn, event times as dates (the epoch milliseconds on hover). Built on <details>, so the keyboard
 * and screen readers know how to open it.
 */
import { isEpochMs, leafText, preview } from './record-text';

function Leaf({ name, value }: { name: string | number | undefined; value: unknown }) {
  const time = isEpochMs(name, value);
  const kind = value === null ? 'null' : typeof value;
  return (
    <span
      className={`rv-leaf rv-${time ? 'time' : kind}`}
      title={time ? `${value} ms since the epoch · ${new Date(value).toISOString()}` : undefined}
    >
      {leafText(name, value)}
    </span>
  );
}

function Fields({ value }: { value: object }) {
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((x, i) => [i, x])
    : Object.entries(value);
  return (
    <ul className="rv-fields">
      {entries.map(([k, v]) => (
        <li key={k}>
          {v !== null && typeof v === 'object' ? (
            <Node name={k} value={v} />
          ) : (
            <>
              <span className="rv-key">{k}:</span> <Leaf name={k} value={v} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function Node({ name, value, open }: { name?: string | number; value: object; open?: boolean }) {
  return (
    <details className="rv-node" open={open}>
      <summary>
        {name !== undefined && <span className="rv-key">{name}:</span>}{' '}
        <span className="rv-preview">{preview(value)}</span>
      </summary>
      <Fields value={value} />
    </details>
  );
}

/** One record: collapsed to a line unless `open`; a value that is not an object is shown as it is. */
export function RecordView({ record, open }: { record: unknown; open?: boolean }) {
  if (record === null || typeof record !== 'object') return <Leaf name={undefined} value={record} />;
  return <Node value={record} open={open} />;
}
