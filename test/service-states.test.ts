import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { largePipeline } from '../bench/large-pipeline';
import type { RunStatus } from '../src/shared/api';
import { createStudioService } from '../src/engine/services/studio';
import { ROOT, tempDir } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

describe('run state events', () => {
  it('a 500-node pipeline starts and stops with its node states sent in a few events, all of them right', async () => {
    const service = createStudioService({
      registry: builtinRegistry,
      resourcesDir: join(ROOT, 'resources'),
      workspaceDir: tempDir('ws'),
    });
    const doc = largePipeline(50);
    const seen: RunStatus[] = [];
    service.events.on('runState', (s) => seen.push(s));
    await service.run(doc);
    const running = seen.at(-1)!;
    expect(running.phase).toBe('running');
    // Every node said it runs, in the event that says the pipeline runs.
    expect(Object.values(running.nodeStates).filter((s) => s === 'running')).toHaveLength(doc.nodes.length);
    await service.stop();
    const stopped = seen.at(-1)!;
    expect(stopped.phase).toBe('idle');
    expect(Object.values(stopped.nodeStates).filter((s) => s === 'stopped')).toHaveLength(doc.nodes.length);
    // 500 nodes go through starting, running, draining and stopped: 2,000 changes, sent in a handful of events
    // (one event per change, each carrying all 500 states, kept the studio busy for seconds).
    expect(seen.length).toBeLessThan(40);
  });
});
