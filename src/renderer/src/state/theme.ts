/**
 * The colour theme: the system's preference (followed as it changes) unless the user picked light or dark, which is
 * remembered. Applied as `data-theme` on the document's root, which the style sheet's colour variables follow.
 */
import { createStore } from './store';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'sluice.theme';
const query = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: light)');

const stored = (): ThemeChoice => {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
};

export const themeStore = createStore<{ choice: ThemeChoice; theme: Theme }>({ choice: 'system', theme: 'dark' });

function apply(choice: ThemeChoice): void {
  const theme: Theme = choice === 'system' ? (query().matches ? 'light' : 'dark') : choice;
  document.documentElement.dataset.theme = theme;
  themeStore.set({ choice, theme });
}

export function chooseTheme(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  apply(choice);
}

/** Apply the remembered choice and follow the system's; returns how to stop following it. */
export function installTheme(): () => void {
  apply(stored());
  const q = query();
  const onChange = () => {
    if (themeStore.get().choice === 'system') apply('system');
  };
  q.addEventListener('change', onChange);
  return () => q.removeEventListener('change', onChange);
}
