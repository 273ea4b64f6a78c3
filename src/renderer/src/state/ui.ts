/**
 * Editor UI state: what is selected, the wire being drawn, the last refusal shown to the user, open dialogs.
 */
import { createStore } from './store';

export interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

const EMPTY: ReadonlySet<string> = new Set();
export const selectionStore = createStore<Selection>({ nodes: EMPTY, edges: EMPTY });

export function select(nodes: Iterable<string> = [], edges: Iterable<string> = []): void {
  selectionStore.set({ nodes: new Set(nodes), edges: new Set(edges) });
}

/** Add or remove one element (shift-click). */
export function toggleSelected(kind: 'nodes' | 'edges', id: string, on: boolean): void {
  selectionStore.set((s) => {
    if (s[kind].has(id) === on) return s;
    const next = new Set(s[kind]);
    if (on) next.add(id);
    else next.delete(id);
    return { ...s, [kind]: next };
  });
}

/** The inspector field to focus next (a problem was clicked); `seq` makes a repeated click focus again. */
export const focusStore = createStore<{ nodeId?: string; field?: string; seq: number }>({ seq: 0 });

export function focusField(nodeId: string, field: string | undefined): void {
  focusStore.set((s) => ({ nodeId, field, seq: s.seq + 1 }));
}

/** The port a wire is being drawn from, so that every handle can say whether it would accept it. */
export interface WireStart {
  nodeId: string;
  port: string;
  /** `source`: drawn from an output; `target`: from an input. */
  side: 'source' | 'target';
  portType: string;
}
export const wireStore = createStore<WireStart | undefined>(undefined);

/**
 * Whether the user is moving the canvas (a pan or zoom gesture is under way). Views that are costly to redraw and
 * not under the pointer (the rate chart) hold their redraws until it ends, so the gesture keeps every frame.
 */
export const viewMovingStore = createStore(false);

/** A short message shown where the user is looking: a refused wire at the pointer, or an action's outcome. */
export interface Notice {
  text: string;
  kind: 'refused' | 'info' | 'error';
  /** Screen position to show it at (a refused wire's drop point); else it shows over the canvas. */
  at?: { x: number; y: number };
  seq: number;
}
export const noticeStore = createStore<Notice | undefined>(undefined);

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
export function notify(text: string, kind: Notice['kind'] = 'info', at?: Notice['at']): void {
  clearTimeout(noticeTimer);
  noticeStore.set((n) => ({ text, kind, at, seq: (n?.seq ?? 0) + 1 }));
  noticeTimer = setTimeout(() => noticeStore.set(undefined), kind === 'info' ? 4000 : 8000);
}

export function dismissNotice(): void {
  clearTimeout(noticeTimer);
  noticeStore.set(undefined);
}

/** Whether the Kafka topic browser is open. */
export const topicBrowserStore = createStore(false);

/** The live-state panel (what the running pipeline keeps in Redis) is open. */
export const liveStateStore = createStore(false);

/** The dashboard (charts of the live run or of a kept one) is open. */
export const dashboardStore = createStore(false);

/** The latency waterfall is open. */
export const waterfallStore = createStore(false);
/** Whether the Tests panel (the open pipeline's fixtures, run) is open. */
export const testsPanelStore = createStore(false);

/** A context menu open at a point of the screen: its items, each an action (or disabled, with why). */
export interface MenuItem {
  label: string;
  action: () => void;
  /** The keys that do the same, shown beside it. */
  keys?: string;
  disabled?: boolean;
}
export interface Menu {
  label: string;
  x: number;
  y: number;
  items: MenuItem[];
}
export const menuStore = createStore<Menu | undefined>(undefined);

/** The canvas's find box (Ctrl+F) is open. */
export const findStore = createStore(false);

/** The keyboard shortcut sheet (?) is open. */
export const shortcutSheetStore = createStore(false);
