/**
 * The dock: the open panels as tabs, beside or below the canvas, behind a splitter that resizes it (drag, or the
 * arrow keys on it). Each tab closes with its ✕; the dock moves between the right and the bottom.
 */
import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { clampSize, dockStore, PANEL_KEYS, PANEL_STORES, setDock, showPanel, type PanelKey } from '../state/dock';
import { useStore } from '../state/store';
import { Dashboard } from './Dashboard';
import { LiveStatePanel } from './LiveState';
import { TopicBrowser } from './TopicBrowser';
import { Waterfall } from './Waterfall';
import { TestsPanel } from './TestsPanel';

const PANELS: Record<PanelKey, { title: string; close: string; view: () => ReactNode }> = {
  topics: { title: 'Topics', close: 'Close the topic browser', view: () => <TopicBrowser /> },
  dashboard: { title: 'Dashboard', close: 'Close the dashboard', view: () => <Dashboard /> },
  latency: { title: 'Latency', close: 'Close the waterfall', view: () => <Waterfall /> },
  live: { title: 'Live state', close: 'Close the live state', view: () => <LiveStatePanel /> },
  tests: { title: 'Tests', close: 'Close the tests', view: () => <TestsPanel /> },
};

/** Which panels are open, in the tabs' order. */
export function useOpenPanels(): PanelKey[] {
  const topics = useStore(PANEL_STORES.topics);
  const dashboard = useStore(PANEL_STORES.dashboard);
  const latency = useStore(PANEL_STORES.latency);
  const live = useStore(PANEL_STORES.live);
  const tests = useStore(PANEL_STORES.tests);
  const open = { topics, dashboard, latency, live, tests };
  return PANEL_KEYS.filter((k) => open[k]);
}

/** Arrow keys move the splitter this far, in pixels. */
const KEY_STEP = 24;

export function Splitter() {
  const { side, size } = useStore(dockStore);
  const start = useRef<{ at: number; size: number } | undefined>(undefined);
  const vertical = side === 'right';
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = { at: vertical ? e.clientX : e.clientY, size };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const s = start.current;
    if (!s) return;
    // The dock is after the splitter: moving it left (or up) makes the dock larger.
    setDock({ size: s.size - ((vertical ? e.clientX : e.clientY) - s.at) });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const grow = vertical ? { ArrowLeft: 1, ArrowRight: -1 } : { ArrowUp: 1, ArrowDown: -1 };
    const d = grow[e.key as keyof typeof grow];
    if (d === undefined) return;
    e.preventDefault();
    setDock({ size: size + d * KEY_STEP });
  };
  return (
    <div
      className="dock-splitter"
      role="separator"
      tabIndex={0}
      aria-label="resize the dock"
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-valuenow={size}
      aria-valuemin={clampSize(0)}
      aria-valuemax={clampSize(Infinity)}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (start.current = undefined)}
      onKeyDown={onKeyDown}
    />
  );
}

export function Dock({ open }: { open: PanelKey[] }) {
  const { side, active } = useStore(dockStore);
  const shown = active && open.includes(active) ? active : open[0];
  return (
    <section className="dock" aria-label="dock">
      <div className="dock-tabs" role="toolbar" aria-label="panels">
        {open.map((k) => (
          <div key={k} className={`dock-tab${k === shown ? ' active' : ''}`}>
            <button
              type="button"
              id={`dock-tab-${k}`}
              aria-pressed={k === shown}
              aria-controls={`dock-panel-${k}`}
              onClick={() => showPanel(k)}
            >
              {PANELS[k].title}
            </button>
            <button
              type="button"
              className="dock-close"
              aria-label={PANELS[k].close}
              onClick={() => PANEL_STORES[k].set(false)}
            >
              ✕
            </button>
          </div>
        ))}
        <div className="spacer" />
        <button
          type="button"
          className="dock-side"
          onClick={() => setDock({ side: side === 'right' ? 'bottom' : 'right' })}
          title={side === 'right' ? 'Dock the panels below the canvas' : 'Dock the panels beside the canvas'}
        >
          {side === 'right' ? 'Dock below' : 'Dock right'}
        </button>
      </div>
      {open.map((k) => (
        <div key={k} className="dock-panel" id={`dock-panel-${k}`} hidden={k !== shown}>
          {PANELS[k].view()}
        </div>
      ))}
    </section>
  );
}
