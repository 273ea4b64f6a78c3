/**
 * The Flink compiler without a cluster: JSONata → SQL expressions and what is refused (naming the construct), the
 * part of a pipeline that runs on Flink and its bridges, the script's shape (watermark one ms behind the engine's,
 * the late port, top-N, secrets masked), schema inference, and the job's counters mapped back to nodes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { nodeCounts } from '../src/engine/flink/counts';
import { checkCompiles } from '../src/engine/flink/deploy';
import { flinkPart, remainderDocument } from '../src/engine/flink/part';
import { rootCause } from '../src/engine/flink/rest';
import { schemaOf } from '../src/engine/flink/schema';
import {
  compileFlinkScript,
  compileOptions,
  FlinkCompileError,
  type FlinkConnections,
} from '../src/engine/flink/sql/compile';
import { validateValue } from '../src/engine/validate/validate';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { NotSql, sqlExpression, sqlRecord, type Columns } from '../src/engine/flink/sql/expression';
import { windowOperators } from '../src/engine/flink/vertices';
import { PrometheusExporter } from '../src/engine/observe/prometheus';
import type { FlinkJobMetrics } from '../src/shared/flink';
import type { MetricsTick } from '../src/shared/metrics';
import { resolve, ROOT, wired, type WiredNode } from './helpers';

const cols: Columns = new Map([
  ['type', 'STRING'],
  ['room', 'STRING'],
  ['coins', 'BIGINT'],
  ['price', 'DOUBLE'],
  ['ok', 'BOOLEAN'],
]);

const CONN: FlinkConnections = {
  kafka: (profile) => ({
    properties: { 'bootstrap.servers': `${profile}:9092`, 'sasl.jaas.config': 'x password="s3cret";' },
    secret: ['s3cret'],
  }),
  archive: (target) => `hdfs://nn:8020/${target}`,
};

const SCHEMA = { type: 'string', room: 'string', user: 'string', coins: 'integer', ts: 'integer' };

function pipeline(nodes: WiredNode[], wires: string[]) {
  return resolve(wired('room', nodes, wires));
}

const source = (config: Record<string, unknown> = {}): WiredNode => ({
  id: 'read',
  type: 'kafka-source',
  config: { topics: ['events'], schema: SCHEMA, ...config },
});

function compile(nodes: WiredNode[], wires: string[]) {
  const p = pipeline(nodes, wires);
  return compileFlinkScript(p, flinkPart(p), CONN);
}

function refusals(nodes: WiredNode[], wires: string[]) {
  try {
    compile(nodes, wires);
  } catch (err) {
    if (err instanceof FlinkCompileError) return err.refusals;
    throw err;
  }
  throw new Error('it compiled');
}

describe('JSONata → Flink SQL', () => {
  it('writes the common subset as SQL over the columns, typed', () => {
    const sql = (e: string) => sqlExpression(e, cols);
    expect(sql("type = 'gift'")).toEqual({ sql: "(`type` = 'gift')", type: 'BOOLEAN' });
    expect(sql('coins * 2 + 1')).toEqual({ sql: '((`coins` * 2) + 1)', type: 'BIGINT' });
    expect(sql('coins / 4').type).toBe('DOUBLE');
    expect(sql('price > 1.5 and ok')).toEqual({ sql: '((`price` > CAST(1.5 AS DOUBLE)) AND `ok`)', type: 'BOOLEAN' });
    expect(sql('"room " & room').sql).toBe("(COALESCE('room ', '') || COALESCE(`room`, ''))");
    expect(sql("type in ['like', 'gift']").sql).toBe("(`type` IN ('like', 'gift'))");
    expect(sql("coins > 10 ? 'big' : 'small'").sql).toBe("(CASE WHEN (`coins` > 10) THEN 'big' ELSE 'small' END)");
    expect(sql('$uppercase(room)').sql).toBe('UPPER(`room`)');
    expect(sql('$exists(price)').sql).toBe('(`price` IS NOT NULL)');
    expect(sql(`"it's"`).sql).toBe("'it''s'");
    expect(sql('"a\\nb"').sql).toBe("('a' || CHR(10) || 'b')");
    expect(sqlRecord('$merge([$, {"coins": coins * 2, "x": 1}])', cols).map(([n, v]) => `${n}=${v.sql}`)).toEqual([
      'type=`type`',
      'room=`room`',
      'coins=(`coins` * 2)',
      'price=`price`',
      'ok=`ok`',
      'x=1',
    ]);
  });

  it('refuses what it does not compile exactly, naming the construct', () => {
    const why = (e: string) => {
      try {
        sqlExpression(e, cols);
      } catch (err) {
        if (err instanceof NotSql) return err.message;
        throw err;
      }
      return 'compiled';
    };
    expect(why('$sum(coins)')).toBe('the function $sum');
    expect(why('user.name')).toMatch(/a path of several steps/);
    expect(why('nosuch = 1')).toMatch(/the field "nosuch", which the records do not have here/);
    expect(why('price % 2')).toMatch(/"%" on a fraction/);
    expect(why('room = 5')).toBe('comparing a string with a bigint ("=")');
    expect(why('items[0]')).toMatch(/predicate|path/);
    expect(why('$x')).toBe('the variable $x');
    expect(why('(')).toMatch(/not valid JSONata/);
  });
});

describe('the part of a pipeline that runs on Flink', () => {
  it('the demo: its data part on Flink, what reads from it in-process through bridge topics', () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'resources/pipelines/live-room.json'), 'utf8'));
    const p = resolve(doc);
    const part = flinkPart(p);
    expect(part.nodes).toEqual(
      expect.arrayContaining(['read', 'gifts', 'coins', 'gifts-by-room', 'coins-per-second', 'likes-5s', 'archive']),
    );
    expect(part.nodes).not.toContain('room');
    expect(part.nodes).not.toContain('leaderboard');
    expect(part.bridges.map((b) => `${b.from.node}.${b.from.port}>${b.topic}`)).toEqual(
      expect.arrayContaining([
        'coins-per-second.out>sluice-bridge.live-room.coins-per-second.out',
        'coins-per-second.late>sluice-bridge.live-room.coins-per-second.late',
        'coins.out>sluice-bridge.live-room.coins.out',
      ]),
    );
    const rest = remainderDocument(p.doc, part, 'run1');
    expect(rest.nodes.map((n) => n.id)).toContain('coins-per-second-late-from-flink');
    expect(rest.nodes.map((n) => n.id)).not.toContain('coins-per-second');
    const e10 = rest.edges.find((e) => e.id === 'e10')!;
    expect(e10.from).toEqual({ node: 'coins-per-second-late-from-flink', port: 'out' });
    // The whole demo compiles, with Sluice's top-N function declared for its leaderboard window.
    const script = compileFlinkScript(p, part, CONN);
    expect(script.sql).toContain("CREATE TEMPORARY SYSTEM FUNCTION SLUICE_TOP AS 'sluice.flink.TopN' LANGUAGE JAVA;");
    expect(script.sql).toContain(
      'CAST(SLUICE_TOP(`user`, CAST(`coins` AS DOUBLE), 3) AS ARRAY<ROW<`user` STRING, `coins` DOUBLE>>)',
    );
    expect(script.windows).toEqual(['likes-5s', 'coins-per-second']);
  });

  it('a source read only by nodes that stay in-process stays in-process; a Flink type fed from in-process stays too', () => {
    const p = pipeline(
      [
        source(),
        { id: 'dbg', type: 'debug' },
        { id: 'gen', type: 'live-room' },
        { id: 'f', type: 'filter', config: { expression: 'true' } },
        { id: 'out', type: 'kafka-sink', config: { topic: 'o' } },
      ],
      ['read.out>dbg.in', 'gen.out>f.in', 'f.out>out.in'],
    );
    expect(flinkPart(p).nodes).toEqual([]);
  });
});

describe('the script', () => {
  const room = (window: Record<string, unknown> = {}, late = false): [WiredNode[], string[]] => [
    [
      source(),
      { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
      { id: 'by-room', type: 'key-by', config: { key: 'room' } },
      {
        id: 'w',
        type: 'window',
        config: {
          sizeMs: 1000,
          watermarkDelayMs: 500,
          aggregates: [{ op: 'sum', field: 'coins', as: 'coins' }],
          ...window,
        },
      },
      { id: 'out', type: 'kafka-sink', config: { topic: 'coins', key: 'key' } },
      ...(late ? [{ id: 'late', type: 'kafka-sink', config: { topic: 'late' } }] : []),
    ],
    [
      'read.out>gifts.in',
      'gifts.out>by-room.in',
      'by-room.out>w.in',
      'w.out>out.in',
      ...(late ? ['w.late>late.in'] : []),
    ],
  ];

  it('watermark one ms behind the engine’s, the late port from CURRENT_WATERMARK, secrets masked in what is shown', () => {
    const s = compile(...room({}, true));
    expect(s.sql).toContain("WATERMARK FOR `__rt` AS `__rt` - INTERVAL '0.501' SECOND");
    expect(s.sql).toContain("FROM TABLE(TUMBLE(TABLE `w:in`, DESCRIPTOR(`__rt`), INTERVAL '1' SECOND))");
    expect(s.sql).toContain('AND TO_TIMESTAMP_LTZ(`ts` - MOD(`ts`, 1000) + 1000 - 1, 3) <= CURRENT_WATERMARK(`__rt`)');
    expect(s.sql).toContain("'key.fields' = '__key'");
    expect(s.sql).toContain('s3cret');
    expect(s.shown).not.toContain('s3cret');
    expect(s.shown).toContain('password="********"');
    expect(s.objects).toMatchObject({ read: 'read', w: 'w', 'w:late': 'w', out: 'out' });
    // Every statement ends a line with ";" (how SqlJob splits the script).
    for (const stmt of s.sql.split(/;\n/).slice(0, -1)) expect(stmt.trim().length).toBeGreaterThan(0);
  });

  it('refuses what Flink SQL would compute otherwise, naming node and field', () => {
    expect(refusals(...room({ allowedLatenessMs: 100 }))).toEqual([
      { nodeId: 'w', field: 'allowedLatenessMs', message: expect.stringMatching(/fire once/) },
    ]);
    expect(refusals(...room({ scope: 'partition' }))[0]).toMatchObject({ nodeId: 'w', field: 'scope' });
    expect(refusals(...room({ kind: 'sliding', sizeMs: 1000, slideMs: 300 }))[0]).toMatchObject({ field: 'slideMs' });
    expect(refusals(...room({ timeField: 'coins' }))[0]).toMatchObject({ field: 'timeField' });
    const [nodes, wires] = room();
    nodes[0] = source({ schema: undefined });
    expect(refusals(nodes, wires)[0]).toMatchObject({
      nodeId: 'read',
      field: 'schema',
      message: expect.stringMatching(/sluice schema <file> read/),
    });
    nodes[0] = source({ deadLetterTopic: 'dlq' });
    expect(refusals(nodes, wires)[0]).toMatchObject({ field: 'deadLetterTopic' });
  });

  it('a refusal is known before any server is reached: profiles and archive targets are not resolved', () => {
    // (Neither the Kafka profile nor the NameNode exists: resolving either would throw another error.)
    const nodes = (window: Record<string, unknown>): [WiredNode[], string[]] => {
      const [n, wires] = room(window);
      n[0] = source({ profile: 'no-such-profile' });
      n.push({ id: 'arch', type: 'archive', config: { target: 'webhdfs://127.0.0.1:1/nowhere', path: 'room/{yyyy}' } });
      return [n, [...wires, 'gifts.out>arch.in']];
    };
    const refused = (() => {
      try {
        checkCompiles(pipeline(...nodes({ allowedLatenessMs: 100 })));
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(FlinkCompileError);
    expect((refused as FlinkCompileError).refusals[0]).toMatchObject({ nodeId: 'w', field: 'allowedLatenessMs' });
    expect(() => checkCompiles(pipeline(...nodes({})))).not.toThrow();
  });

  it('exactly once by default: aligned checkpoints, transactional Kafka writes with a stable prefix, read_committed sources; at-least-once on request; the pipeline’s settings over the profile’s', () => {
    const [nodes, wires] = room();
    const exactly = compileFlinkScript(
      pipeline(nodes, wires),
      flinkPart(pipeline(nodes, wires)),
      CONN,
      compileOptions(pipeline(nodes, wires), { parallelism: 3, checkpointIntervalMs: 7000 }),
    ).sql;
    expect(exactly).toContain("SET 'execution.checkpointing.mode' = 'EXACTLY_ONCE';");
    expect(exactly).toContain("SET 'execution.checkpointing.interval' = '7000 ms';");
    expect(exactly).toContain("SET 'parallelism.default' = '3';");
    expect(exactly).toContain("'sink.delivery-guarantee' = 'exactly-once'");
    expect(exactly).toContain("'sink.transactional-id-prefix' = 'sluice-room-out'");
    expect(exactly).toContain("'properties.transaction.timeout.ms' = '900000'");
    expect(exactly).toContain("'properties.isolation.level' = 'read_committed'");
    const doc = wired('room', nodes, wires);
    const own = resolve({
      ...doc,
      flink: { checkpointMode: 'at-least-once', checkpointIntervalMs: 2000, parallelism: 2 },
    });
    const atLeast = compileFlinkScript(
      own,
      flinkPart(own),
      CONN,
      compileOptions(own, { parallelism: 3, checkpointIntervalMs: 7000 }),
    ).sql;
    expect(atLeast).toContain("SET 'execution.checkpointing.mode' = 'AT_LEAST_ONCE';");
    expect(atLeast).toContain("SET 'execution.checkpointing.interval' = '2000 ms';");
    expect(atLeast).toContain("SET 'parallelism.default' = '2';");
    expect(atLeast).not.toContain('exactly-once');
    expect(atLeast).not.toContain('transactional-id-prefix');
  });

  it('exactly once: a Redis sink fed by the job in a mode a replay adds to is refused on its mode, with the way out; hash and value are taken; at-least-once takes them all', () => {
    const withRedis = (mode: string, flink?: Record<string, unknown>) => {
      const [nodes, wires] = room();
      const doc = wired(
        'room',
        [
          ...nodes,
          {
            id: 'board',
            type: 'redis',
            config: { mode, key: '"coins:" & key', field: '$string(windowEnd)', member: 'key', by: 'coins' },
          },
        ],
        [...wires, 'w.out>board.in'],
      );
      return resolve(flink ? { ...doc, flink } : doc);
    };
    const refusedOn = (p: ReturnType<typeof withRedis>) => {
      try {
        checkCompiles(p);
        return [];
      } catch (err) {
        return (err as FlinkCompileError).refusals;
      }
    };
    expect(refusedOn(withRedis('counter'))).toEqual([
      {
        nodeId: 'board',
        field: 'mode',
        message: expect.stringMatching(
          /mode "counter" adds again \(INCRBY\) when a restart replays a record.*mode hash or value keyed by its window.*at-least-once/,
        ),
      },
    ]);
    expect(refusedOn(withRedis('leaderboard'))[0]?.message).toMatch(/ZINCRBY/);
    expect(refusedOn(withRedis('hash'))).toEqual([]);
    expect(refusedOn(withRedis('value'))).toEqual([]);
    expect(refusedOn(withRedis('counter', { checkpointMode: 'at-least-once' }))).toEqual([]);
  });

  it('bad Flink settings in a document are located and say what was expected', () => {
    const doc = { ...wired('room', ...room()), flink: { checkpointMode: 'twice', checkpointIntervalMs: 5 } };
    const issues = validateValue(doc, builtinRegistry).issues.map((i) => `${i.pointer}: ${i.message}`);
    expect(issues).toEqual([
      expect.stringMatching(/^\/flink\/checkpointIntervalMs: .*100/),
      expect.stringMatching(/^\/flink\/checkpointMode: .*exactly-once.*at-least-once/),
    ]);
  });

  it('two windows on one source must share its watermark delay', () => {
    const r = refusals(
      [
        source(),
        { id: 'a', type: 'window', config: { watermarkDelayMs: 100 } },
        { id: 'b', type: 'window', config: { watermarkDelayMs: 200 } },
        { id: 'oa', type: 'kafka-sink', config: { topic: 'a' } },
        { id: 'ob', type: 'kafka-sink', config: { topic: 'b' } },
      ],
      ['read.out>a.in', 'read.out>b.in', 'a.out>oa.in', 'b.out>ob.in'],
    );
    expect(r).toEqual([
      {
        nodeId: 'b',
        field: 'watermarkDelayMs',
        message: expect.stringMatching(/window "a" on the same source has 100 ms/),
      },
    ]);
  });

  it('the archive: placeholders as partition folders on the resolved hdfs:// path', () => {
    const s = compile(
      [source(), { id: 'arch', type: 'archive', config: { target: 'events', path: 'room/{yyyy}/{MM}' } }],
      ['read.out>arch.in'],
    );
    expect(s.sql).toContain("'path' = 'hdfs://nn:8020/events/room'");
    expect(s.sql).toContain('PARTITIONED BY (`yyyy`, `MM`)');
    expect(s.sql).toContain("DATE_FORMAT(TO_TIMESTAMP_LTZ(`ts`, 3), 'yyyy') AS `yyyy`");
  });
});

describe('the job mapped back to the nodes', () => {
  it('windows matched by their shape; counts from the operators at the boundaries', () => {
    const doc = JSON.parse(readFileSync(join(ROOT, 'resources/pipelines/live-room.json'), 'utf8'));
    const p = resolve(doc);
    const part = flinkPart(p);
    const script = compileFlinkScript(p, part, CONN);
    const plan = {
      nodes: [
        {
          description:
            '[7]:GlobalWindowAggregate(groupBy=[key], window=[TUMBLE(slice_end=[$slice_end], size=[1 s])], select=[…])',
        },
        {
          description:
            '[15]:GlobalWindowAggregate(groupBy=[key], window=[HOP(slice_end=[$slice_end], size=[5 s], slide=[1 s])])',
        },
        {
          description:
            '[5]:LocalWindowAggregate(groupBy=[key], window=[TUMBLE(time_col=[__rt], size=[1 s])])<br/>[13]:LocalWindowAggregate(groupBy=[key], window=[HOP(time_col=[__rt], size=[5 s], slide=[1 s])])',
        },
      ],
    };
    const windows = windowOperators(plan, p, script.windows);
    expect(windows.get('coins-per-second')).toEqual({ local: 5, global: 7 });
    expect(windows.get('likes-5s')).toEqual({ local: 13, global: 15 });
    const metrics = new Map([
      ['Source__read[1].numRecordsOut', 1000],
      ['LocalWindowAggregate[5].numRecordsIn', 120],
      ['GlobalWindowAggregate[7].numRecordsOut', 9],
      ['LocalWindowAggregate[13].numRecordsIn', 300],
      ['bridge_coins_out[19]__Writer.numRecordsIn', 120],
      ['bridge_chat_out[23]__Writer.numRecordsIn', 500],
      ['bridge_likes_out[21]__Writer.numRecordsIn', 300],
      ['StreamingFileWriter.numRecordsIn', 1000],
    ]);
    const c = nodeCounts(metrics, script, p, part.nodes, windows);
    expect(c.get('read')).toEqual({ out: 1000 });
    expect(c.get('gifts')).toEqual({ in: 1000, out: 120 });
    expect(c.get('coins')).toEqual({ in: 120, out: 120 });
    expect(c.get('coins-per-second')).toEqual({ in: 120, out: 9 });
    expect(c.get('chat')).toEqual({ in: 1000, out: 500 });
    expect(c.get('likes')).toEqual({ in: 1000, out: 300 });
    expect(c.get('archive')).toEqual({ in: 1000, out: 1000 });
  });

  it("a failure's root cause in Flink's words, with the cause above it that says what it was about", () => {
    const st = [
      'org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy',
      '\tat x',
      "Caused by: org.apache.flink.util.FlinkException: Global failure triggered by OperatorCoordinator for 'Source: read[1]'",
      'Caused by: org.apache.flink.util.FlinkRuntimeException: Failed to list subscribed topic partitions due to ',
      'Caused by: java.lang.RuntimeException: Failed to get metadata for topics [nosuch].',
      'Caused by: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.',
      'Caused by: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.',
    ].join('\n');
    expect(rootCause(st)).toBe(
      'Failed to get metadata for topics [nosuch]. ← UnknownTopicOrPartitionException: This server does not host this topic-partition.',
    );
  });
});

describe('schema inference', () => {
  it('the narrowest type holding every value; nested and mixed fields named in the notes', () => {
    const r = schemaOf([
      { room: 'a', coins: 1, price: 1, ok: true, tags: ['x'], mixed: 1 },
      { room: 'b', coins: 2, price: 2.5, ok: false, mixed: 'one', none: null },
      'not an object',
    ]);
    expect(r.schema).toEqual({
      room: 'string',
      coins: 'integer',
      price: 'number',
      ok: 'boolean',
      mixed: 'string',
      none: 'string',
    });
    expect(r.notes).toEqual([
      'field "tags" holds objects or arrays: left out (Flink reads flat fields here)',
      'field "mixed" has values of several types (integer, string): typed string',
      '1 message(s) were not JSON objects: left out',
    ]);
  });
});

describe('Prometheus', () => {
  it("carries a deployed job's state, restarts and checkpoints beside its nodes' figures", async () => {
    const doc = wired(
      'room',
      [source(), { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } }],
      ['read.out>gifts.in'],
    );
    const exporter = new PrometheusExporter(doc);
    const tick = (seq: number, flink: FlinkJobMetrics): MetricsTick => ({
      runId: 'r',
      seq,
      time: 1_700_000_000_000 + seq * 1000,
      elapsedMs: seq * 1000,
      nodes: {},
      edges: {},
      flink,
    });
    const job = (over: Partial<FlinkJobMetrics>, checkpoints: Partial<FlinkJobMetrics['checkpoints']>) => ({
      jobId: 'f00d',
      state: 'RUNNING',
      restarts: 0,
      ...over,
      checkpoints: { completed: 0, failed: 0, inProgress: 0, ...checkpoints },
    });
    const read = async () => {
      const families = parsePrometheusTextFormat(await exporter.registry.metrics()) as {
        name: string;
        metrics: { labels?: Record<string, string>; value?: string }[];
      }[];
      return (name: string, labels: Record<string, string> = {}) => {
        const m = families
          .find((f) => f.name === name)
          ?.metrics.find((x) =>
            Object.entries({ pipeline: 'room', job: 'f00d', ...labels }).every(([k, v]) => x.labels?.[k] === v),
          );
        return m ? Number(m.value) : undefined;
      };
    };
    exporter.update(
      tick(
        1,
        job(
          {},
          { completed: 2, inProgress: 1, last: { id: 2, at: 1_700_000_002_000, durationMs: 250, sizeBytes: 4096 } },
        ),
      ),
    );
    let m = await read();
    expect(m('sluice_flink_job_state', { state: 'RUNNING' })).toBe(1);
    expect(m('sluice_flink_job_state', { state: 'RESTARTING' })).toBe(0);
    expect(m('sluice_flink_checkpoints_completed_total')).toBe(2);
    expect(m('sluice_flink_checkpoints_in_progress')).toBe(1);
    expect(m('sluice_flink_checkpoint_last_duration_seconds')).toBe(0.25);
    expect(m('sluice_flink_checkpoint_last_size_bytes')).toBe(4096);
    expect(m('sluice_flink_checkpoint_last_completed_timestamp_seconds')).toBe(1_700_000_002);
    // A restart, a failed checkpoint, then more completed: counters count on, never back.
    exporter.update(tick(2, job({ state: 'RESTARTING', restarts: 1 }, { completed: 2, failed: 1 })));
    exporter.update(tick(3, job({ restarts: 1 }, { completed: 5, failed: 1 })));
    m = await read();
    expect(m('sluice_flink_job_restarts_total')).toBe(1);
    expect(m('sluice_flink_checkpoints_failed_total')).toBe(1);
    expect(m('sluice_flink_checkpoints_completed_total')).toBe(5);
    expect(m('sluice_flink_job_state', { state: 'RUNNING' })).toBe(1);
    expect(m('sluice_flink_job_state', { state: 'RESTARTING' })).toBe(0);
    // A tick without a job (an in-process run) adds no job series.
    const local = new PrometheusExporter(doc);
    local.update({ ...tick(1, job({}, {})), flink: undefined });
    expect(await local.registry.metrics()).not.toMatch(/^sluice_flink_\w+\{/m);
  });
});
