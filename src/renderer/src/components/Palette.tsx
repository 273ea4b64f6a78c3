import { useMemo, useState, type KeyboardEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { NODE_CATEGORIES, type NodeCategory, type NodeTypeInfo } from '../../../shared/spec';
import { addNodeAt } from '../state/commands';
import { nodeSizes } from '../model/layout';
import { documentStore } from '../state/document';
import { useSelect } from '../state/store';
import { isLocked, runStore } from '../state/studio';
import { NODE_DRAG_TYPE } from './Canvas';
import { portColour } from './format';

const CATEGORY_TITLES: Record<NodeCategory, string> = {
  sources: 'Sources',
  media: 'Media',
  kafka: 'Kafka',
  operators: 'Operators',
  sinks: 'Sinks',
};

function matches(t: NodeTypeInfo, q: string): boolean {
  if (!q) return true;
  const hay = `${t.type} ${t.title} ${t.description} ${t.category}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

/** Every registered node type, grouped by category, searchable; drag onto the canvas, or double-click / Enter to add. */
export function Palette() {
  const infos = useSelect(documentStore, (s) => s.nodeTypes);
  const locked = useSelect(runStore, (s) => isLocked(s));
  const [query, setQuery] = useState('');
  const flow = useReactFlow();
  const groups = useMemo(() => {
    const all = [...infos.values()].filter((t) => matches(t, query.trim()));
    return NODE_CATEGORIES.map((c) => ({ category: c, types: all.filter((t) => t.category === c) }));
  }, [infos, query]);

  /**
   * Add at the middle of the visible canvas, or the nearest free place from there; where that is out of view, the
   * view moves to it (at the same zoom).
   */
  const add = (type: string) => {
    const pane = document.querySelector('.canvas')?.getBoundingClientRect();
    const centre = pane
      ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
      : { x: 0, y: 0 };
    const at = addNodeAt(type, { x: centre.x - 90, y: centre.y - 40 }, nodeSizes(flow.getNodes()));
    if (!at || !pane) return;
    const topLeft = flow.flowToScreenPosition(at);
    const bottomRight = flow.flowToScreenPosition({ x: at.x + 190, y: at.y + 96 });
    const inView =
      topLeft.x >= pane.left && topLeft.y >= pane.top && bottomRight.x <= pane.right && bottomRight.y <= pane.bottom;
    if (!inView) void flow.setCenter(at.x + 95, at.y + 48, { zoom: flow.getZoom(), duration: 200 });
  };

  const onKey = (e: KeyboardEvent, type: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      add(type);
    }
  };

  const total = groups.reduce((n, g) => n + g.types.length, 0);
  return (
    <nav className="palette" aria-label="node palette">
      <input
        type="search"
        className="palette-search"
        placeholder="Search node types"
        aria-label="Search node types"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {total === 0 && <p className="hint">No node type matches “{query}”.</p>}
      {groups.map(({ category, types }) => (
        <section key={category} className="palette-group" aria-label={CATEGORY_TITLES[category]}>
          <h3>
            {CATEGORY_TITLES[category]} <span className="count">{types.length}</span>
          </h3>
          {types.length === 0 && !query && <p className="hint small">none installed yet</p>}
          <ul>
            {types.map((t) => (
              <li
                key={t.type}
                className={`palette-item cat-${t.category}${locked ? ' disabled' : ''}`}
                title={`${t.description}\nDrag onto the canvas, or double-click to add.`}
                draggable={!locked}
                onDragStart={(e) => {
                  e.dataTransfer.setData(NODE_DRAG_TYPE, t.type);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={() => add(t.type)}
              >
                {/* The button is the title (its name holds what it shows); the description describes it. */}
                <div
                  className="palette-title"
                  role="button"
                  tabIndex={0}
                  aria-label={`Add ${t.title} (${t.type})`}
                  aria-describedby={`palette-desc-${t.type}`}
                  aria-disabled={locked}
                  onKeyDown={(e) => onKey(e, t.type)}
                >
                  <span>{t.title}</span>
                  <span className="palette-ports">
                    {[...t.inputs, ...t.outputs].map((p, i) => (
                      <i
                        key={i}
                        className="dot"
                        style={{ background: portColour(p.type) }}
                        title={`${i < t.inputs.length ? 'in' : 'out'} ${p.name}: ${p.type}`}
                      />
                    ))}
                  </span>
                </div>
                <div className="palette-desc" id={`palette-desc-${t.type}`}>
                  {t.description}
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}
