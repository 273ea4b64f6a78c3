/**
 * An in-process `StudioApi`: the service served over an in-memory port pair, for the CLI and tests.
 * It goes through the same RPC layer as the studio, so the CLI exercises the real contract.
 */
import type { StudioApi } from '../../shared/api';
import { connectApi, createMemoryPortPair } from '../../shared/rpc';
import { createStudioService, serveStudio, type StudioService, type StudioServiceOptions } from './studio';

export function createLocalApi(options: StudioServiceOptions): {
  api: StudioApi;
  service: StudioService;
  close: () => void;
} {
  const service = createStudioService(options);
  const [serverPort, clientPort] = createMemoryPortPair();
  const close = serveStudio(serverPort, service);
  return { api: connectApi(clientPort), service, close };
}
