// The part of Node-RED's embedding API the benchmark uses (the package ships no types).
declare module 'node-red' {
  import type { Server } from 'node:http';
  const RED: {
    init(server: Server, settings: Record<string, unknown>): void;
    start(): Promise<void>;
    stop(): Promise<void>;
  };
  export default RED;
}
