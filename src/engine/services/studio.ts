/**
 * The engine side of `StudioApi`, knowing nothing of any transport: the domain services (workspace, runs,
 * connections, media, streams) composed into one object of methods, streams and events.
 */
import type { StudioEvents, StudioMethods, StudioStreamServers } from '../../shared/api';
import { EventHub } from '../../shared/events';
import { serveApi, type MessagePortLike } from '../../shared/rpc';
import { API_METHODS, API_STREAMS, apiContract } from './api-contract';
import { KafkaConnections, RedisConnections } from './connections';
import { FlinkService } from './flink';
import { MediaService } from './media';
import { RunService, type RunOptions } from './runs';
import { RunStreams } from './streams';
import { WorkspaceService, type WorkspaceOptions } from './workspace';

export { DEMO_PIPELINE, type FileDialogs } from './workspace';

export type StudioServiceOptions = WorkspaceOptions & RunOptions;

/** The methods and streams of the API, and its events. */
export type StudioService = StudioMethods & StudioStreamServers & { readonly events: EventHub<StudioEvents> };

/** The domain services; together they serve every method and stream (the type checker holds them to it). */
type Domains = [
  WorkspaceService,
  RunService,
  KafkaConnections,
  RedisConnections,
  MediaService,
  RunStreams,
  FlinkService,
];
// Compile-time: the domains together implement the whole API (a method no domain serves fails here).
type Serves<T> = T extends unknown ? (x: T) => void : never;
type All = (Serves<Domains[number]> extends (x: infer I) => void ? I : never) & object;
const _all = (a: All): StudioMethods & StudioStreamServers => a;

export function createStudioService(options: StudioServiceOptions): StudioService {
  const events = new EventHub<StudioEvents>();
  const runs = new RunService(options, events);
  const domains: Domains = [
    new WorkspaceService(options),
    runs,
    new KafkaConnections(),
    new RedisConnections(),
    new MediaService(options.registry),
    new RunStreams(runs),
    new FlinkService(options.registry),
  ];
  const service: Record<string, unknown> = { events };
  for (const name of [...API_METHODS, ...API_STREAMS]) {
    const owners = domains.filter((d) => typeof (d as unknown as Record<string, unknown>)[name] === 'function');
    if (owners.length !== 1)
      throw new Error(`API "${name}" is served by ${owners.length} domain services (expected exactly one)`);
    const owner = owners[0] as unknown as Record<string, (...a: unknown[]) => unknown>;
    service[name] = owner[name]!.bind(owner);
  }
  return service as unknown as StudioService;
}

/** Serve a studio service on a port (one connection); returns how to detach it. */
export function serveStudio(port: MessagePortLike, service: StudioService): () => void {
  return serveApi(port, service, service.events, apiContract, service);
}
