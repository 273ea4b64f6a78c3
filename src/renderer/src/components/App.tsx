import { useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { installShortcuts } from '../state/shortcuts';
import { useSelect } from '../state/store';
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
import { TopicBrowser } from './TopicBrowser';
import { LiveStatePanel } from './LiveState';
import { Dashboard } from './Dashboard';
import { Waterfall } from './Waterfall';
import { ContextMenu } from './ContextMenu';
import { ShortcutSheet } from './ShortcutSheet';

export function App() {
  useEffect(installShortcuts, []);
  const selected = useSelect(selectionStore, (s) => (s.nodes.size === 1 ? [...s.nodes][0] : undefined));
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <main className="workspace">
          <Palette />
          <div className="centre">
            <Canvas />
            <TopicBrowser />
            <LiveStatePanel />
            <Dashboard />
            <Waterfall />
            <ProblemsPanel />
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
