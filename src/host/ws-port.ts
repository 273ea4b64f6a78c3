/**
 * The WebSocket transport: a `MessagePortLike` over one `ws` connection.
 */
import type { WebSocket } from 'ws';
import type { MessagePortLike } from '../shared/rpc';

export function wsPort(socket: WebSocket): MessagePortLike {
  return {
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(message);
    },
    backlog: () => socket.bufferedAmount,
    onMessage(listener) {
      const fn = (data: Buffer | ArrayBuffer | Buffer[]) =>
        listener(
          Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Array.isArray(data)
              ? Buffer.concat(data).toString('utf8')
              : Buffer.from(data).toString('utf8'),
        );
      socket.on('message', fn);
      return () => socket.off('message', fn);
    },
  };
}
