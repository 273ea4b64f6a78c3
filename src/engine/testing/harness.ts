/**
 * Running a pipeline against a fixture: in-process, each source replaced by one that sends the fixture's records
 * (and, behind each, its clock: the largest event time so far), each sink by one that keeps what it receives. When
 * the sources have sent everything, the flow ends as a bounded stream does on Flink: every open window fires. Media
 * nodes (video, audio) are left out: a fixture holds records.
 */
import { z } from 'zod';
import type { PipelineDocument } from '../../shared/document';
import type { FixtureResult, SinkComparison } from '../../shared/testing';
import { formatIssue } from '../../shared/validation';
import { defineNode, type NodeSpec, type Rec, type SourceContext } from '../contract/spec';
import type { NodeRegistry } from '../contract/registry';
import type { ResolvedNode, ResolvedPipeline } from '../document/resolved';
import { validateValue } from '../validate/validate';
import type { ParameterSupply, SuppliedValue } from '../params/resolve';
import { Flow } from '../runtime/flow';
import { compareSink, sortKeys } from './compare';
import type { LoadedFixture } from './fixture';

/** A fixture run that has not ended by then has a source or sink that waits on something outside it. */
export const FIXTURE_TIMEOUT_MS = 30_000;

const isMedia = (spec: NodeSpec): boolean =>
  !!spec.media || [...spec.inputs, ...spec.outputs].some((p) => /^(video|audio)\//.test(p.type));
const isSource = (spec: NodeSpec): boolean => spec.inputs.length === 0;
const isSink = (spec: NodeSpec): boolean => spec.outputs.length === 0;

/** A source that sends the fixture's records one by one, its clock behind each: the largest event time so far. */
function fixtureSource(original: NodeSpec, records: readonly unknown[], timeField: string): NodeSpec {
  return defineNode({
    type: original.type,
    category: 'sources',
    title: `${original.title} (fixture)`,
    description: 'Sends the fixture’s records.',
    inputs: [],
    outputs: original.outputs,
    config: z.object({}),
    eventTime: true,
    create(_cfg, ctx: SourceContext) {
      return {
        async run() {
          let clock = -Infinity;
          const port = original.outputs.find((p) => p.type === 'record')?.name ?? original.outputs[0]!.name;
          for (const r of records) {
            if (ctx.signal.aborted) return;
            const record = structuredClone(r) as Rec;
            await ctx.emit(port, [record]);
            const t = record[timeField];
            if (typeof t === 'number' && t > clock) {
              clock = t;
              await ctx.watermark({ time: clock, idle: false });
            }
          }
        },
      };
    },
  }) as unknown as NodeSpec;
}

/** A sink that keeps what it receives (records as they are; bytes as text). */
function collector(original: NodeSpec, into: unknown[]): NodeSpec {
  return defineNode({
    type: original.type,
    category: 'sinks',
    title: `${original.title} (fixture)`,
    description: 'Keeps what it receives for the fixture.',
    inputs: original.inputs,
    outputs: [],
    config: z.object({}),
    create() {
      return {
        process(port, batch) {
          const type = original.inputs.find((p) => p.name === port)?.type;
          for (const r of batch)
            into.push(type === 'bytes' ? Buffer.from(r as unknown as Uint8Array).toString('utf8') : structuredClone(r));
        },
      };
    },
  }) as unknown as NodeSpec;
}

/** A fixture that could not run (unreadable, not fitting the pipeline, a run that did not end): why. */
export function failedFixture(name: string, file: string, error: string, durationMs = 0): FixtureResult {
  return { name, file, ok: false, error, sinks: [], received: {}, notes: [], durationMs };
}

const fail = (fixture: LoadedFixture, error: string, started: number): FixtureResult =>
  failedFixture(fixture.name, fixture.file, error, Math.round(performance.now() - started));

/** The supply with the fixture's own parameter values over it. */
function withFixtureValues(supply: ParameterSupply, fixture: LoadedFixture): ParameterSupply {
  const values: Record<string, SuppliedValue> = { ...supply.values };
  for (const [name, value] of Object.entries(fixture.fixture.parameters ?? {}))
    values[name] = { value, from: `fixture "${fixture.name}"` };
  return { ...supply, values };
}

export interface FixtureRunOptions {
  registry: NodeRegistry;
  /** The environment's values (`--env`, `--set`); the fixture's `parameters` go over them. */
  supply: ParameterSupply;
  /** The pipeline file's name, for messages. */
  pipelineFile: string;
  timeoutMs?: number;
}

/** Run the pipeline document (as parsed from its file) against one fixture and compare what the sinks received. */
export async function runFixture(
  docValue: unknown,
  fixture: LoadedFixture,
  options: FixtureRunOptions,
): Promise<FixtureResult> {
  const started = performance.now();
  const loaded = validateValue(docValue, options.registry, withFixtureValues(options.supply, fixture));
  if (!loaded.ok || !loaded.pipeline)
    return fail(
      fixture,
      `the pipeline is not valid with this fixture’s values:\n${loaded.issues
        .filter((i) => i.severity !== 'warning')
        .map((i) => '    ' + formatIssue(i, options.pipelineFile))
        .join('\n')}`,
      started,
    );
  const pipeline = loaded.pipeline;
  const { inputs, expect, ordered = [] } = fixture.fixture;

  // The data part: media nodes (and the wires to them) are left out.
  const media = pipeline.nodes.filter((n) => isMedia(n.spec)).map((n) => n.id);
  const kept = pipeline.nodes.filter((n) => !media.includes(n.id));
  const sources = kept.filter((n) => isSource(n.spec));
  const sinks = kept.filter((n) => isSink(n.spec));
  const problems: string[] = [];
  const names = (ns: ResolvedNode[]) => ns.map((n) => n.id).join(', ') || 'none';
  for (const id of Object.keys(inputs))
    if (!sources.some((s) => s.id === id))
      problems.push(
        `${fixture.at(`/inputs/${id}`)}: "${id}" is not a record source of the pipeline (its sources: ${names(sources)})`,
      );
  for (const id of Object.keys(expect))
    if (!sinks.some((s) => s.id === id))
      problems.push(
        `${fixture.at(`/expect/${id}`)}: "${id}" is not a sink of the pipeline (its sinks: ${names(sinks)})`,
      );
  ordered.forEach((id, i) => {
    if (!(id in expect))
      problems.push(`${fixture.at(`/ordered/${i}`)}: "${id}" has no expected records under "expect"`);
  });
  if (problems.length) return fail(fixture, problems.join('\n  '), started);

  const received = new Map<string, unknown[]>(sinks.map((s) => [s.id, []]));
  const nodes: ResolvedNode[] = kept.map((n) => {
    if (isSource(n.spec)) {
      const timeField = (n.config as { timeField?: unknown }).timeField;
      return {
        id: n.id,
        spec: fixtureSource(n.spec, inputs[n.id] ?? [], typeof timeField === 'string' ? timeField : 'ts'),
        config: {},
      };
    }
    if (isSink(n.spec)) return { id: n.id, spec: collector(n.spec, received.get(n.id)!), config: {} };
    return n;
  });
  const doc: PipelineDocument = {
    ...pipeline.doc,
    nodes: pipeline.doc.nodes.filter((n) => !media.includes(n.id)),
    edges: pipeline.doc.edges.filter((e) => !media.includes(e.from.node) && !media.includes(e.to.node)),
  };
  const test: ResolvedPipeline = { doc, nodes, order: pipeline.order.filter((id) => !media.includes(id)) };

  const errors = new Map<string, { count: number; message: string }>();
  let flow: Flow;
  try {
    flow = new Flow(
      test,
      {
        onMetrics: () => undefined,
        onState: () => undefined,
        onError: (nodeId, message, count) => errors.set(nodeId, { count, message }),
      },
      { metrics: false, preview: false },
    );
    await flow.start();
  } catch (err) {
    return fail(fixture, `the pipeline could not start: ${(err as Error).message}`, started);
  }
  const timeoutMs = options.timeoutMs ?? FIXTURE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    flow.done.then(() => true),
    new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!ended) {
    await flow.stop();
    return fail(fixture, `the run did not end within ${timeoutMs / 1000} s after the fixture’s records`, started);
  }

  const notes = [
    ...(media.length ? [`media nodes left out: ${media.join(', ')}`] : []),
    ...sinks
      .filter((s) => !(s.id in expect))
      .map((s) => `sink "${s.id}" not checked (${received.get(s.id)!.length} record(s))`),
    ...[...errors].map(([id, e]) => `node "${id}": ${e.count} record error(s), the last: ${e.message}`),
  ];
  const comparisons: SinkComparison[] = Object.entries(expect).map(([id, want]) =>
    compareSink(id, want, received.get(id)!, ordered.includes(id)),
  );
  return {
    name: fixture.name,
    file: fixture.file,
    ok: comparisons.every((c) => c.ok),
    sinks: comparisons,
    received: Object.fromEntries([...received].map(([id, rs]) => [id, rs.map(sortKeys)])),
    notes,
    durationMs: Math.round(performance.now() - started),
  };
}
