import { useState } from 'react';
import { Canvas } from './Canvas';
import { NodeTable } from './NodeTable';
import { RateChart } from './RateChart';
import { Records } from './Records';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';

export function App() {
  const [selected, setSelected] = useState<string>();
  return (
    <div className="app">
      <Toolbar />
      <main className="workspace">
        <Canvas onSelect={setSelected} />
        <aside className="side">
          <RateChart />
          <NodeTable selected={selected} onSelect={setSelected} />
          <Records nodeId={selected} />
        </aside>
      </main>
      <StatusBar />
    </div>
  );
}
