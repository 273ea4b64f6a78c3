import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError, type RunStatus } from '../src/shared/api';
import { createLocalApi } from '../src/engine/services/local-api';
import { chain, ROOT, sleep, tempDir, until } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

const local = () =>
  createLocalApi({
    registry: builtinRegistry,
    resourcesDir: join(ROOT, 'resources'),
    workspaceDir: tempDir('ws'),
    metricsIntervalMs: 100,
  });

describe('StudioApi over the in-memory transport', () => {
  it('lists node types derived from their specs', async () => {
    const { api } = local();
    const types = await api.listNodeTypes();
    expect(types.map((t) => t.type)).toEqual([
      'live-room',
      'test-pattern',
      'media-file-source',
      'stream-ingest',
      'camera',
      'screen',
      'microphone',
      'encoder',
      'packager',
      'kafka-source',
      'kafka-sink',
      'filter',
      'map',
      'key-by',
      'window',
      'serialize',
      'debug',
      'file',
      'media-file',
      'hls',
      'stream-publish',
      'redis',
      'archive',
    ]);
    const win = types.find((t) => t.type === 'window')!;
    expect(win.outputs.map((p) => `${p.name}:${p.type}`)).toEqual(['out:record', 'late:record']);
    expect(win.fields.find((f) => f.name === 'sizeMs')).toEqual(
      expect.objectContaining({ default: 1000, unit: 'ms', required: false }),
    );
  });

  it('runs, streams metrics and states, replays the last state to a late subscriber, and stops', async () => {
    const { api } = local();
    const ticks: number[] = [];
    api.on('metrics', (t) => ticks.push(t.seq));
    const started = await api.run(
      chain('rpc', [
        { id: 'src', type: 'live-room', config: { rate: 2000 } },
        { id: 'sink', type: 'debug', config: { keep: 5 } },
      ]),
    );
    expect(started.phase).toBe('running');
    await expect(api.run(chain('again', [{ id: 'x', type: 'live-room' }]))).rejects.toThrow(
      /already running \(rpc\); stop it first/,
    );
    await until(async () => ticks.length >= 3 && (await api.peek('sink')).length === 5, 10_000, 'ticks and records');
    const late: RunStatus[] = [];
    api.on('runState', (s) => late.push(s));
    await until(() => late.length > 0, 5000, 'the last state replayed');
    expect(late[0]).toEqual(
      expect.objectContaining({
        phase: 'running',
        pipelineName: 'rpc',
        nodeStates: { src: 'running', sink: 'running' },
        chainedEdges: [],
      }),
    );
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(await api.peek('sink')).toHaveLength(5);
    const stopped = await api.stop();
    expect(stopped.phase).toBe('idle');
    expect(stopped.nodeStates).toEqual({ src: 'stopped', sink: 'stopped' });
  });

  it('an invalid pipeline is refused with every issue', async () => {
    const { api } = local();
    const err = await api.run(chain('bad', [{ id: 'f', type: 'filter' }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('invalid');
    expect((err as StudioError).issues).toEqual([
      {
        code: 'config',
        pointer: '/nodes/0/config/expression',
        nodeId: 'f',
        message: '"expression" is required (string)',
      },
    ]);
  });

  it('arguments are checked on the engine side, and the workspace cannot be escaped', async () => {
    const { api } = local();
    await expect((api.validate as (x: unknown) => Promise<unknown>)(42)).rejects.toThrow(
      'validate: argument 1: expected string, received number',
    );
    await expect(api.openPipeline('../../etc/passwd.json')).rejects.toThrow(
      /is not a \.json file inside the workspace folder/,
    );
    await expect(api.peek('nope')).rejects.toThrow('no node "nope" in the current or last run');
    await expect(api.savePipeline('x.json', { version: 1, name: 'x', nodes: 'many' } as never)).rejects.toThrow(
      'not a pipeline document: /nodes "nodes": expected array, received string',
    );
  });

  it('saves with stable formatting and opens it back', async () => {
    const { api } = local();
    const demo = await api.openDemo();
    expect(demo.validation.ok).toBe(true);
    const { path } = await api.savePipeline('rooms/demo.json', demo.document!);
    const again = await api.openPipeline('rooms/demo.json');
    expect(again.document).toEqual(demo.document);
    expect(readFileSync(path, 'utf8')).toMatch(/^\{\n {2}"version": 1,\n {2}"name": "Live room",/);
  });

  it('lists the workspace pipelines newest first, and moves to another workspace folder', async () => {
    const { api } = local();
    const demo = (await api.openDemo()).document!;
    await api.savePipeline('a.json', { ...demo, name: 'First' });
    await sleep(20); // (a later modification time: the listing is newest first)
    await api.savePipeline('rooms/b.json', { ...demo, name: 'Second' });
    const listing = await api.listPipelines();
    expect(listing.files.map((f) => [f.path, f.name])).toEqual([
      ['rooms/b.json', 'Second'],
      ['a.json', 'First'],
    ]);
    await expect(api.setWorkspace('relative/dir')).rejects.toThrow(
      'the workspace folder must be an absolute path; got "relative/dir"',
    );
    const other = join(mkdtempSync(join(tmpdir(), 'sluice-ws2-')), 'nested');
    const moved = await api.setWorkspace(other);
    expect(moved).toEqual({ dir: other, files: [] });
    await api.savePipeline('c.json', demo);
    expect((await api.listPipelines()).files.map((f) => f.path)).toEqual(['c.json']);
    expect(existsSync(join(other, 'c.json'))).toBe(true);
  });

  it('the web host has no system dialogs and says so; the desktop app opens and saves where the user chose', async () => {
    const web = local();
    expect(await web.api.hostInfo()).toEqual({
      nativeDialogs: false,
      workspaceDir: expect.any(String),
      secretStore: 'environment',
    });
    await expect(web.api.openWithDialog()).rejects.toThrow(
      'system file dialogs are only in the desktop app; use the workspace Open and Save as dialogs',
    );

    // The system dialogs (Electron's, in the desktop app) cannot open here; this stands in for the user's choice.
    const elsewhere = tempDir('elsewhere');
    const asked: string[] = [];
    let answer: string | undefined = join(elsewhere, 'mine');
    const desk = createLocalApi({
      registry: builtinRegistry,
      resourcesDir: join(ROOT, 'resources'),
      workspaceDir: tempDir('ws'),
      fileDialogs: {
        chooseOpen: async (dir) => (asked.push(`open ${dir}`), answer),
        chooseSave: async (path) => (asked.push(`save ${path}`), answer),
      },
    }).api;
    const info = await desk.hostInfo();
    expect(info.nativeDialogs).toBe(true);
    const demo = (await desk.openDemo()).document!;
    const saved = await desk.saveWithDialog(demo, '../sneaky/live-room.json');
    expect(saved).toEqual({ path: join(elsewhere, 'mine.json') });
    expect(asked).toEqual([`save ${join(info.workspaceDir, 'live-room.json')}`]);
    // The chosen file can now be saved to and opened by its path; other absolute paths still cannot.
    await desk.savePipeline(join(elsewhere, 'mine.json'), { ...demo, name: 'Again' });
    answer = join(elsewhere, 'mine.json');
    const opened = await desk.openWithDialog();
    expect(opened?.document?.name).toBe('Again');
    expect(opened?.path).toBe(join(elsewhere, 'mine.json'));
    await expect(desk.openPipeline(join(elsewhere, 'other.json'))).rejects.toThrow(
      /is not a \.json file inside the workspace folder/,
    );
    answer = undefined;
    expect(await desk.openWithDialog()).toBeNull();
    expect(await desk.saveWithDialog(demo, 'x.json')).toBeNull();
  });
});
