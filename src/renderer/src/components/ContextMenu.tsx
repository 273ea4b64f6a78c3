/**
 * The context menu: what can be done with what was right-clicked (a node, a wire, the canvas), with the keys that
 * do the same. Arrow keys move, Enter picks, Escape or a click elsewhere closes.
 */
import { useEffect, useRef } from 'react';
import { useStore } from '../state/store';
import { menuStore } from '../state/ui';

const close = () => menuStore.set(undefined);

export function ContextMenu() {
  const menu = useStore(menuStore);
  const ref = useRef<HTMLUListElement>(null);
  useEffect(() => {
    if (!menu) return;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && close();
    window.addEventListener('mousedown', away, true);
    window.addEventListener('blur', close);
    return () => {
      window.removeEventListener('mousedown', away, true);
      window.removeEventListener('blur', close);
    };
  }, [menu]);
  if (!menu) return null;
  // Kept on screen: a menu opened near the right or bottom edge opens towards the inside.
  const x = Math.min(menu.x, window.innerWidth - 240);
  const y = Math.min(menu.y, window.innerHeight - 34 * menu.items.length - 16);
  const move = (step: number) => {
    const items = [
      ...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? []),
    ];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + step + items.length) % items.length]?.focus();
  };
  return (
    <ul
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={menu.label}
      style={{ left: x, top: y }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') close();
        else if (e.key === 'ArrowDown') move(1);
        else if (e.key === 'ArrowUp') move(-1);
        else return;
        e.preventDefault();
        e.stopPropagation();
      }}
      onContextMenu={(e) => e.preventDefault()}
    >
      {menu.items.map((item) => (
        <li
          key={item.label}
          role="menuitem"
          tabIndex={-1}
          aria-disabled={item.disabled || undefined}
          onClick={() => {
            if (item.disabled) return;
            close();
            item.action();
          }}
          onKeyDown={(e) => {
            if ((e.key === 'Enter' || e.key === ' ') && !item.disabled) {
              e.preventDefault();
              close();
              item.action();
            }
          }}
        >
          <span>{item.label}</span>
          {item.keys && <kbd>{item.keys}</kbd>}
        </li>
      ))}
    </ul>
  );
}
