/**
 * Find a node (Ctrl+F on the canvas): type part of its id or type, pick it from the list; the view moves to it and
 * it is selected. Escape closes.
 */
import { useState } from 'react';
import { Panel, useReactFlow } from '@xyflow/react';
import { documentStore } from '../state/document';
import { useSelect, useStore } from '../state/store';
import { findStore, select } from '../state/ui';

/** At most this many matches are listed. */
const SHOWN = 8;

export function FindNode() {
  const open = useStore(findStore);
  return open ? <FindBox /> : null;
}

function FindBox() {
  const doc = useSelect(documentStore, (s) => s.doc);
  const infos = useSelect(documentStore, (s) => s.nodeTypes);
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const q = query.trim().toLowerCase();
  const matches = doc.nodes
    .map((n) => ({ id: n.id, title: infos.get(n.type)?.title ?? n.type, type: n.type }))
    .filter((n) => !q || n.id.toLowerCase().includes(q) || n.title.toLowerCase().includes(q) || n.type.includes(q))
    .sort((a, b) => Number(!a.id.toLowerCase().startsWith(q)) - Number(!b.id.toLowerCase().startsWith(q)))
    .slice(0, SHOWN);
  const pick = (id: string) => {
    findStore.set(false);
    select([id]);
    void flow.fitView({ nodes: [{ id }], maxZoom: 1, minZoom: 0.6, duration: 250 });
  };
  return (
    <Panel position="top-center" className="find-node">
      <input
        type="search"
        role="combobox"
        aria-label="find node"
        aria-expanded={matches.length > 0}
        aria-controls="find-node-list"
        aria-activedescendant={matches[active] ? `find-${matches[active].id}` : undefined}
        placeholder="Find a node by id or type"
        value={query}
        autoFocus
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={() => findStore.set(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') findStore.set(false);
          else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, matches.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && matches[active]) pick(matches[active].id);
          else return;
          e.preventDefault();
        }}
      />
      <ul id="find-node-list" role="listbox" aria-label="matching nodes">
        {matches.map((m, i) => (
          <li
            key={m.id}
            id={`find-${m.id}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              pick(m.id);
            }}
          >
            <strong>{m.id}</strong> <span className="muted">{m.title}</span>
          </li>
        ))}
        {matches.length === 0 && <li className="muted">No node matches “{query}”.</li>}
      </ul>
    </Panel>
  );
}
