import { useEffect, type CSSProperties } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { installShortcuts } from '../state/shortcuts';
import { useSelect, useStore } from '../state/store';
import { dockStore } from '../state/dock';
import { Dock, Splitter, useOpenPanels } from './Dock';
import { selectionStore } from '../state/ui';
import { Canvas } from './Canvas';
import { Dialogs, NoticeView } from './Dialogs';
import { Inspector } from './Inspector';
import { NodeTable } from './NodeTable';
import { Palette } from './Palette';
import { ProblemsPanel } from './ProblemsPanel';
import { RateChart } from './RateChart';
import { Records } from './Records';
import { StatusBar } from './StatusBar';
import { FlinkProfileDialog } from './Flink';
import { Toolbar } from './Toolbar';
import { CompareBar } from './Compare';
import { ContextMenu } from './ContextMenu';
import { ShortcutSheet } from './ShortcutSheet';

export function App() {
  useEffect(installShortcuts, []);
  const selected = useSelect(selectionStore, (s) => (s.nodes.size === 1 ? [...s.nodes][0] : undefined));
  const open = useOpenPanels();
  const dock = useStore(dockStore);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <main className="workspace">
          <Palette />
          <div
            className={`centre${open.length ? ` docked dock-${dock.side}` : ''}`}
            style={{ '--dock-size': `${dock.size}px` } as CSSProperties}
          >
            <div className="canvas-area">
              <div className="compare-slot">
                <CompareBar />
              </div>
              <Canvas />
              <ProblemsPanel />
            </div>
            {open.length > 0 && <Splitter />}
            {open.length > 0 && <Dock open={open} />}
          </div>
          <aside className="side">
            <Inspector />
            <Records nodeId={selected} />
            <RateChart />
            <NodeTable />
          </aside>
        </main>
        <StatusBar />
        <Dialogs />
        <FlinkProfileDialog />
        <NoticeView />
        <ContextMenu />
        <ShortcutSheet />
      </div>
    </ReactFlowProvider>
  );
}
