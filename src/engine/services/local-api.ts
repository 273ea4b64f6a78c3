/**
 * An in-process `StudioApi`: the service served over an in-memory port pair, for the CLI and tests.
 * It goes through the same RPC layer as the studio, so the CLI exercises the real contract.
 */
import type { StudioApi } from '../../shared/api';
import { connectApi, createMemoryPortPair, serveApi } from '../../shared/rpc';
import { validateApiArgs } from './api-args';
import { StudioService, type StudioServiceOptions } from './studio';

export function createLocalApi(options: StudioServiceOptions): {
  api: StudioApi;
  service: StudioService;
  close: () => void;
} {
  const service = new StudioService(options);
  const [serverPort, clientPort] = createMemoryPortPair();
  const close = serveApi(serverPort, service, service.events, validateApiArgs, service);
  return { api: connectApi(clientPort), service, close };
}
