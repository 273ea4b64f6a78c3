/**
 * Connect the studio to the engine: through the preload's port in Electron, else over the web host's WebSocket.
 */
import type { StudioApi } from '../../../shared/api';
import { connectApi, type MessagePortLike } from '../../../shared/rpc';

declare global {
  interface Window {
    sluicePort?: MessagePortLike;
  }
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** A WebSocket port that queues messages until the socket opens. */
function webSocketPort(url: string, onState: (s: ConnectionState, why?: string) => void): MessagePortLike {
  const ws = new WebSocket(url);
  const queued: string[] = [];
  const listeners = new Set<(m: string) => void>();
  ws.addEventListener('open', () => {
    onState('connected');
    for (const m of queued.splice(0)) ws.send(m);
  });
  ws.addEventListener('close', (e) => onState('disconnected', e.reason || `connection closed (${e.code})`));
  ws.addEventListener('message', (e) => {
    if (typeof e.data === 'string') for (const fn of listeners) fn(e.data);
  });
  return {
    send(m) {
      if (ws.readyState === WebSocket.OPEN) ws.send(m);
      else if (ws.readyState === WebSocket.CONNECTING) queued.push(m);
    },
    onMessage(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

export function connectStudio(onState: (s: ConnectionState, why?: string) => void): StudioApi {
  if (window.sluicePort) {
    onState('connected');
    return connectApi(window.sluicePort);
  }
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  onState('connecting');
  return connectApi(webSocketPort(`${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`, onState));
}
