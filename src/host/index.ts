/**
 * `npm run host`: start the web host for the studio and print its URL.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStudioService, DEMO_PIPELINE } from '../engine/services/studio';
import { RunHistory } from '../engine/observe/history';
import { loadDocumentText } from '../engine/validate/validate';
import { builtinRegistry } from '../engine/nodes/registry';
import { defaultWorkspace, findPackageRoot } from '../engine/support/paths';
import { startWebHost } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'run-demo': { type: 'boolean', default: false },
    why: { type: 'string' },
  },
});

const root = findPackageRoot(import.meta.dirname);
const staticDir = join(root, 'out', 'renderer');
if (!existsSync(join(staticDir, 'index.html'))) {
  process.stderr.write(`the studio is not built (${staticDir} is missing): run "npm run build" first\n`);
  process.exit(1);
}
const resourcesDir = join(root, 'resources');
const service = createStudioService({
  registry: builtinRegistry,
  resourcesDir,
  workspaceDir: defaultWorkspace(),
  history: new RunHistory(),
});
const host = await startWebHost({ service, staticDir, port: Number(values.port) });

if (values['run-demo']) {
  const demo = loadDocumentText(readFileSync(join(resourcesDir, DEMO_PIPELINE), 'utf8'), builtinRegistry);
  if (demo.doc) await service.run(demo.doc);
}
if (values.why) process.stdout.write(`${values.why}\n`);
process.stdout.write(`Sluice studio (web host) on ${host.origin}\nOpen: ${host.url}\n`);

const shutdown = async (): Promise<void> => {
  // A stop that cannot finish (a sink retrying a target that is away) does not keep the host alive.
  setTimeout(() => {
    process.stderr.write('the run did not stop within 15 s: exiting anyway\n');
    process.exit(1);
  }, 15_000).unref();
  await service.stop();
  await host.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
