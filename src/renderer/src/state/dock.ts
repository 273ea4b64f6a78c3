/**
 * The dock: the panels (topics, dashboard, latency, live state, tests) open as tabs beside or below the canvas, so the graph
 * stays in view. Which side and how large are remembered; the tab opened last is the one shown.
 */
import { createStore, type Store } from './store';
import { dashboardStore, liveStateStore, testsPanelStore, topicBrowserStore, waterfallStore } from './ui';

export type DockSide = 'right' | 'bottom';
export type PanelKey = 'topics' | 'dashboard' | 'latency' | 'live' | 'tests';

export const PANEL_STORES: Record<PanelKey, Store<boolean>> = {
  topics: topicBrowserStore,
  dashboard: dashboardStore,
  latency: waterfallStore,
  live: liveStateStore,
  tests: testsPanelStore,
};
export const PANEL_KEYS = Object.keys(PANEL_STORES) as PanelKey[];

/** Sizes a dock may take, in pixels. */
export const DOCK_MIN = 200;
export const DOCK_MAX = 1200;
const KEY = 'sluice.dock';
const DEFAULT = { side: 'bottom' as DockSide, size: 340 };

function remembered(): { side: DockSide; size: number } {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { side?: unknown; size?: unknown };
    return {
      side: v.side === 'right' || v.side === 'bottom' ? v.side : DEFAULT.side,
      size: typeof v.size === 'number' ? clampSize(v.size) : DEFAULT.size,
    };
  } catch {
    return DEFAULT;
  }
}

export const clampSize = (n: number): number => Math.round(Math.min(DOCK_MAX, Math.max(DOCK_MIN, n)));

export const dockStore = createStore<{ side: DockSide; size: number; active: PanelKey | undefined }>({
  ...remembered(),
  active: undefined,
});

export function setDock(change: { side?: DockSide; size?: number }): void {
  dockStore.set((d) => ({ ...d, ...change, ...(change.size !== undefined ? { size: clampSize(change.size) } : {}) }));
  const { side, size } = dockStore.get();
  localStorage.setItem(KEY, JSON.stringify({ side, size }));
}

export const showPanel = (key: PanelKey): void => dockStore.set((d) => ({ ...d, active: key }));

// A panel opened becomes the tab shown; the shown one closed gives way to another open one.
for (const key of PANEL_KEYS)
  PANEL_STORES[key].subscribe(() => {
    const open = PANEL_STORES[key].get();
    const { active } = dockStore.get();
    if (open && active !== key) showPanel(key);
    else if (!open && active === key)
      dockStore.set((d) => ({ ...d, active: PANEL_KEYS.find((k) => PANEL_STORES[k].get()) }));
  });
