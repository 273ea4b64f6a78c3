import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { describePlan, EXECUTORS, planPipeline, type Executor } from '../src/engine/plan/plan';
import { validateValue } from '../src/engine/validate/validate';
import type { PlanView } from '../src/shared/plan';
import { resolve, ROOT, tempDir, wired } from './helpers';

const DEMO = join(ROOT, 'resources/pipelines/live-room.json');
const demo = () => resolve(JSON.parse(readFileSync(DEMO, 'utf8')));
const sluice = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'sluice.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('the plan: which executor runs each node, and why', () => {
  it('the demo: its media group on one ffmpeg process, every other node in-process, each with a reason', () => {
    const pipeline = demo();
    const plan = planPipeline(pipeline);
    expect(plan.problems).toEqual([]);
    expect(plan.nodes).toHaveLength(pipeline.nodes.length);
    const where = Object.fromEntries(plan.nodes.map((n) => [n.nodeId, n.executor]));
    expect(
      Object.entries(where)
        .filter(([, e]) => e === 'ffmpeg')
        .map(([id]) => id),
    ).toEqual(['camera', 'h264', 'chunks']);
    expect(where.read).toBe('in-process');
    expect(where['coins-per-second']).toBe('in-process');
    expect(plan.mediaGroups.map((g) => [g.id, g.video.id, g.encoder.id, g.outputs.map((o) => o.id)])).toEqual([
      ['media:camera', 'camera', 'h264', ['chunks']],
    ]);
    const reason = (id: string) => plan.nodes.find((n) => n.nodeId === id)!.reason;
    expect(reason('chunks')).toMatch(/packager: ffmpeg writes its fMP4 to a pipe/);
    expect(reason('coins')).toMatch(/runs inside gifts's call \(chained/);
    expect(reason('read')).toMatch(/Kafka client/);
    expect(plan.chainedEdges).toEqual(['e6', 'e8', 'e13']);
  });

  it('sluice plan prints the plan in words (groups, executors, reasons), and --json the same as data', () => {
    const r = sluice('plan', DEMO);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Live room: 22 nodes on 2 executors/);
    expect(r.stdout).toMatch(/ffmpeg — one ffmpeg process per media group\n {2}media:camera: camera → h264 → chunks/);
    expect(r.stdout).toMatch(/\n {4}h264 +encoder +encoder: ffmpeg encodes/);
    expect(r.stdout).toMatch(/in-process — the engine’s own runtime/);
    expect(r.stdout).toMatch(/\n {2}read +kafka-source +a Kafka client/);
    const j = sluice('plan', '--json', DEMO);
    expect(j.status).toBe(0);
    const view = JSON.parse(j.stdout) as PlanView;
    expect(view.executors.map((e) => [e.kind, e.nodes.length])).toEqual([
      ['ffmpeg', 3],
      ['in-process', 19],
    ]);
    expect(view.mediaGroups).toEqual([{ id: 'media:camera', video: 'camera', encoder: 'h264', outputs: ['chunks'] }]);
  });

  it('sluice plan of an invalid file: every problem with its line, exit 1, no plan', () => {
    const file = join(ROOT, 'test/fixtures/bad/many-problems.json');
    const r = sluice('plan', file);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`${file}:6:30 /nodes/1/type node "gifts": unknown node type "filtr"`));
    expect(r.stderr).toMatch(/12 problem\(s\); no plan/);
  });

  it('a media group ffmpeg cannot run is one problem naming what to wire in; its other members are not reported again', () => {
    const doc = wired(
      'half a group',
      [
        { id: 'cam', type: 'test-pattern' },
        { id: 'enc', type: 'encoder' },
      ],
      ['cam.video>enc.in'],
    );
    const issues = validateValue(doc, builtinRegistry).issues;
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([['media-group', 'cam']]);
    expect(issues[0]!.message).toMatch(/wire in a media sink or packager/);
    const file = join(tempDir('plan'), 'half.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const r = sluice('plan', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /half\.json:\d+:\d+ \/nodes\/0 node "cam": media nodes "cam", "enc" run as one ffmpeg process/,
    );
  });

  it('an executor added before in-process places the nodes it can run; the rest stay where they were', () => {
    const pipeline = demo();
    const operators: Executor = {
      kind: 'elsewhere' as never,
      title: 'a test executor for operators',
      place: ({ unplaced }) => ({
        placements: unplaced
          .filter((n) => n.spec.category === 'operators')
          .map((n) => ({ nodeId: n.id, type: n.spec.type, executor: 'elsewhere' as never, reason: 'an operator' })),
        problems: [],
      }),
    };
    const executors = [EXECUTORS[0]!, operators, EXECUTORS[1]!];
    const plan = planPipeline(pipeline, executors);
    const view = describePlan(plan, pipeline, executors);
    expect(view.executors.map((e) => [e.kind, e.nodes.length])).toEqual([
      ['ffmpeg', 3],
      ['elsewhere', 8],
      ['in-process', 11],
    ]);
    expect(plan.nodes.find((n) => n.nodeId === 'gifts')!.executor).toBe('elsewhere');
    expect(plan.nodes.find((n) => n.nodeId === 'read')!.executor).toBe('in-process');
  });
});
