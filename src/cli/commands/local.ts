/** The engine's API in this process, as the CLI's commands use it (no preview server). */
import { join } from 'node:path';
import type { StudioApi } from '../../shared/api';
import { builtinRegistry } from '../../engine/nodes/registry';
import { createLocalApi } from '../../engine/services/local-api';
import { defaultWorkspace, findPackageRoot } from '../../engine/support/paths';

export const resourcesDir = join(findPackageRoot(import.meta.dirname), 'resources');

export function localApi(): { api: StudioApi; close: () => void } {
  return createLocalApi({
    registry: builtinRegistry,
    resourcesDir,
    workspaceDir: defaultWorkspace(),
    preview: false,
  });
}
