import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App } from './components/App';
import { runStore, startStudio } from './state/studio';
import { installTheme } from './state/theme';

// Before the first paint: no flash of the other theme.
installTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
startStudio().catch((err: Error) =>
  runStore.set((s) => ({ ...s, lastActionError: `could not load the studio: ${err.message}` })),
);
