/**
 * The data part of a pipeline as a Flink SQL script: one table per Kafka source, sink and archive, one view per
 * operator (named after its node, so the script reads like the canvas), and one INSERT per sink, submitted together
 * as one statement set (one job). `SqlJob` (services/flink-job) runs the script on the cluster.
 *
 * Event time and watermarks are the in-process engine's, exactly: a source's rowtime is its `timeField` (else the
 * Kafka record's timestamp), its watermark trails the newest event time by the windows' `watermarkDelayMs` plus one
 * millisecond (Flink fires a window [start, end) when the watermark reaches end - 1; the engine when it reaches end),
 * per Kafka partition, idle partitions aside after `idleTimeoutMs`. A window's `late` port is the records that arrive
 * when the watermark has passed the end of their last window (`CURRENT_WATERMARK`), as in-process. Anything the
 * script cannot compute as the engine does is refused, naming the node, the field and why.
 */
import type { ResolvedPipeline } from '../../document/resolved';
import type { Aggregate, WindowConfig } from '../../nodes/operators/window/config';
import type { KafkaSinkConfig } from '../../nodes/kafka/sink/config';
import type { KafkaSourceConfig } from '../../nodes/kafka/source/config';
import type { ArchiveConfig } from '../../nodes/sinks/archive/config';
import { slug, type FlinkBridge, type FlinkPart, type FlinkRefusal } from '../part';
import type { RedisSinkConfig } from '../../nodes/redis/sink/config';
import { FLINK_SETTINGS, type CheckpointMode } from '../../../shared/document';
import {
  ident,
  NotSql,
  sqlExpression,
  sqlRecord,
  stringLiteral,
  truth,
  type Columns,
  type SqlType,
} from './expression';

/** The hidden rowtime column every view carries (a TIMESTAMP_LTZ(3) event-time attribute). */
export const ROWTIME = '__rt';

/** What the script needs from outside: connection properties, resolved before compiling. */
export interface FlinkConnections {
  /** The Kafka connector's `properties.*` for a profile (bootstrap.servers, security); `secret` names those to mask. */
  kafka(profile: string): { properties: Record<string, string>; secret: string[] };
  /** The archive's target as a path Flink writes to (hdfs://…, file:///…). */
  archive(target: string): string;
}

export interface CompileOptions {
  /** Parallelism of every operator (default 1: the late port is exact only at 1; see the README). */
  parallelism?: number;
  /** Checkpoint interval: Kafka offsets are committed, archive files and Kafka writes made final at checkpoints. */
  checkpointIntervalMs?: number;
  /** exactly-once (default): aligned checkpoints and transactional Kafka writes; at-least-once: neither. */
  checkpointMode?: CheckpointMode;
}

/**
 * Redis modes whose write a replay repeats without harm (HSET, SET: the same value again). The others add
 * (INCRBY, ZINCRBY), append (XADD) or deliver (PUBLISH) once more.
 */
const IDEMPOTENT_REDIS_MODES = new Set(['hash', 'value']);
const REPLAYED: Record<string, string> = {
  counter: 'adds again (INCRBY)',
  leaderboard: 'adds to the score again (ZINCRBY)',
  stream: 'appends the entry again (XADD)',
  publish: 'publishes again',
};

/**
 * Kafka's transactions must end within the broker's transaction.max.timeout.ms (15 min by default); Flink's
 * default (1 h) is refused by such a broker. A job down longer than this loses the writes of its open transaction.
 */
const TRANSACTION_TIMEOUT_MS = 900_000;

export interface FlinkJobScript {
  /** The script that runs. */
  sql: string;
  /** The same with every secret replaced by ******** (what is shown and exported). */
  shown: string;
  /** The SQL tables and views, by name, and the node each belongs to. */
  objects: Record<string, string>;
  /** Window nodes in topological order (Flink's window operators appear in the same order). */
  windows: string[];
}

export class FlinkCompileError extends Error {
  constructor(readonly refusals: FlinkRefusal[]) {
    super(refusals.map((r) => `node "${r.nodeId}"${r.field ? ` field "${r.field}"` : ''}: ${r.message}`).join('\n'));
  }
}

/** The columns of a node's output, and which column is the event time passed through from the source. */
interface Shape {
  view: string;
  columns: Columns;
  /** The column holding the source's event time unchanged (a window needs its timeField to be this one). */
  timeColumn?: string;
}

const SCHEMA_TYPES: Record<string, SqlType> = {
  string: 'STRING',
  number: 'DOUBLE',
  integer: 'BIGINT',
  boolean: 'BOOLEAN',
};

const ms = (n: number) => `INTERVAL '${(n / 1000).toFixed(3).replace(/\.?0+$/, '') || '0'}' SECOND`;
const epochMs = (col: string) =>
  `(UNIX_TIMESTAMP(CAST(${col} AS STRING)) * 1000 + MOD(EXTRACT(MILLISECOND FROM ${col}), 1000))`;
const options = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `  ${stringLiteral(k)} = ${stringLiteral(v)}`)
    .join(',\n');
const sqlType = (t: SqlType) => (t === 'NULL' ? 'STRING' : t);
const cast = (sql: string, t: SqlType) => (t === 'NULL' ? `CAST(${sql} AS STRING)` : sql);

class Compiler {
  private readonly statements: string[] = [];
  private readonly inserts: string[] = [];
  private readonly refusals: FlinkRefusal[] = [];
  private readonly shapes = new Map<string, Shape>();
  readonly objects: Record<string, string> = {};
  readonly windows: string[] = [];
  private readonly secrets = new Set<string>();
  /** A window computes a top-N: the script declares Sluice's aggregate function. */
  private usesTop = false;
  private exactlyOnce = true;
  private readonly config: Map<string, unknown>;
  private readonly type: Map<string, string>;

  constructor(
    private readonly pipeline: ResolvedPipeline,
    private readonly part: FlinkPart,
    private readonly conn: FlinkConnections,
  ) {
    this.config = new Map(pipeline.nodes.map((n) => [n.id, n.config]));
    this.type = new Map(pipeline.nodes.map((n) => [n.id, n.spec.type]));
  }

  private refuse(nodeId: string, field: string | undefined, message: string): void {
    this.refusals.push({ nodeId, ...(field ? { field } : {}), message });
  }

  /** The shape feeding a node's input port (one wire: a node fed by several is refused). */
  private input(id: string): Shape | undefined {
    const into = this.pipeline.doc.edges.filter((e) => e.to.node === id);
    if (into.length !== 1) {
      this.refuse(
        id,
        undefined,
        `${into.length} wires into one node: on Flink a node takes one input (a UNION is not compiled yet)`,
      );
      return undefined;
    }
    const e = into[0]!;
    return this.shapes.get(e.from.port === 'out' ? e.from.node : `${e.from.node}:${e.from.port}`);
  }

  compile(options: CompileOptions): FlinkJobScript {
    const mode = options.checkpointMode ?? FLINK_SETTINGS.checkpointMode.default;
    this.exactlyOnce = mode === 'exactly-once';
    for (const id of this.part.nodes) {
      const cfg = this.config.get(id);
      try {
        switch (this.type.get(id)) {
          case 'kafka-source':
            this.source(id, cfg as KafkaSourceConfig);
            break;
          case 'filter':
            this.filter(id, cfg as { expression: string });
            break;
          case 'map':
            this.map(id, cfg as { expression: string });
            break;
          case 'key-by':
            this.keyBy(id, cfg as { key: string; field: string });
            break;
          case 'window':
            this.window(id, cfg as WindowConfig);
            break;
          case 'kafka-sink':
            this.kafkaSink(id, cfg as KafkaSinkConfig);
            break;
          case 'archive':
            this.archive(id, cfg as ArchiveConfig);
            break;
        }
      } catch (err) {
        if (!(err instanceof FieldRefusal)) throw err;
        this.refuse(id, err.field, err.message);
      }
    }
    for (const b of this.part.bridges) this.bridge(b);
    if (this.refusals.length) throw new FlinkCompileError(this.refusals);
    if (this.inserts.length === 0)
      throw new FlinkCompileError([
        { nodeId: this.part.nodes[0] ?? '', message: 'nothing to write: nothing reads what the Flink part computes' },
      ]);
    const name = this.pipeline.doc.name;
    const head = [
      `-- ${name}: the data part of the pipeline, compiled by Sluice for Apache Flink 2.x (Flink SQL).`,
      `-- Nodes: ${this.part.nodes.join(', ')}.`,
      `SET 'pipeline.name' = ${stringLiteral(`sluice: ${name}`)};`,
      `SET 'parallelism.default' = '${options.parallelism ?? 1}';`,
      `SET 'execution.checkpointing.interval' = '${options.checkpointIntervalMs ?? 10_000} ms';`,
      `SET 'execution.checkpointing.mode' = '${this.exactlyOnce ? 'EXACTLY_ONCE' : 'AT_LEAST_ONCE'}';`,
      "SET 'table.local-time-zone' = 'UTC';",
    ];
    if (this.usesTop)
      head.push(
        "-- top-N per window: Sluice's aggregate function, in the job jar (services/flink-job, sluice.flink.TopN)",
        "CREATE TEMPORARY SYSTEM FUNCTION SLUICE_TOP AS 'sluice.flink.TopN' LANGUAGE JAVA;",
      );
    const sql = [...head, '', ...this.statements, '', ...this.inserts].join('\n') + '\n';
    let shown = sql;
    for (const s of this.secrets) shown = shown.split(s).join('********');
    return { sql, shown, objects: this.objects, windows: this.windows };
  }

  private view(id: string, name: string, select: string, shape: Omit<Shape, 'view'>): void {
    this.statements.push(`CREATE TEMPORARY VIEW ${ident(name)} AS\n${select};`, '');
    this.objects[name] = id;
    this.shapes.set(name, { ...shape, view: name });
  }

  /** SELECT list of a shape's columns (and the rowtime), optionally some replaced. */
  private passColumns(shape: Shape): string[] {
    return [...shape.columns.keys()].map((c) => ident(c)).concat(ident(ROWTIME));
  }

  private source(id: string, cfg: KafkaSourceConfig): void {
    if ((cfg.format ?? 'json') !== 'json')
      throw new FieldRefusal('format', `format ${cfg.format}: Flink reads JSON records here`);
    if (cfg.deadLetterTopic)
      throw new FieldRefusal(
        'deadLetterTopic',
        'Flink SQL has no dead-letter output: unreadable messages would be skipped instead (json.ignore-parse-errors); remove deadLetterTopic to accept that',
      );
    const schema = (cfg as { schema?: Record<string, string> }).schema;
    if (!schema || Object.keys(schema).length === 0)
      throw new FieldRefusal(
        'schema',
        `no schema: Flink reads named, typed fields. Declare them in "schema" (e.g. {"room": "string", "ts": "integer"}), or let Sluice infer them from the topic: sluice schema <file> ${id}`,
      );
    const columns: Columns = new Map(Object.entries(schema).map(([k, v]) => [k, SCHEMA_TYPES[v] ?? 'STRING']));
    const time = cfg.timeField;
    if (columns.has(time) && columns.get(time) !== 'BIGINT')
      throw new FieldRefusal(
        'schema',
        `the time field "${time}" must be an integer (ms since the epoch), not ${schema[time]}`,
      );
    if (!columns.has(time)) columns.set(time, 'BIGINT');
    const delay = this.watermarkDelay(id);
    const { properties, secret } = this.conn.kafka(cfg.profile);
    for (const s of secret) this.secrets.add(s);
    const topics: Record<string, string> = cfg.pattern
      ? { 'topic-pattern': cfg.pattern }
      : { topic: cfg.topics.join(';') };
    const start: Record<string, string> =
      cfg.start === 'timestamp'
        ? { 'scan.startup.mode': 'timestamp', 'scan.startup.timestamp-millis': String(cfg.startTimestamp ?? 0) }
        : { 'scan.startup.mode': 'group-offsets', 'properties.auto.offset.reset': cfg.start };
    const props: Record<string, string> = {
      connector: 'kafka',
      ...topics,
      ...Object.fromEntries(Object.entries(properties).map(([k, v]) => [`properties.${k}`, v])),
      'properties.group.id': cfg.group,
      // Topics written transactionally (by Flink's exactly-once sinks): only what was committed.
      'properties.isolation.level': 'read_committed',
      ...start,
      format: 'json',
      'json.ignore-parse-errors': 'true',
      ...(cfg.idleTimeoutMs > 0 ? { 'scan.watermark.idle-timeout': `${cfg.idleTimeoutMs} ms` } : {}),
    };
    const cols = [...columns].map(([c, t]) => `  ${ident(c)} ${t}`);
    this.statements.push(
      `-- node ${id}: kafka-source`,
      `CREATE TABLE ${ident(id)} (`,
      [
        ...cols,
        `  ${ident('__kafka_ts')} TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL`,
        `  ${ident(ROWTIME)} AS COALESCE(TO_TIMESTAMP_LTZ(${ident(time)}, 3), ${ident('__kafka_ts')})`,
        `  WATERMARK FOR ${ident(ROWTIME)} AS ${ident(ROWTIME)} - INTERVAL '${((delay + 1) / 1000).toFixed(3)}' SECOND`,
      ].join(',\n'),
      `) WITH (\n${options(props)}\n);`,
      '',
    );
    this.objects[id] = id;
    this.shapes.set(id, { view: id, columns, timeColumn: time });
  }

  /** The watermark delay of the windows fed by a source (they must agree: the watermark is the source's). */
  private watermarkDelay(source: string): number {
    const downstream = new Set([source]);
    for (const id of this.part.nodes)
      if (this.pipeline.doc.edges.some((e) => e.to.node === id && downstream.has(e.from.node))) downstream.add(id);
    const windows = [...downstream].filter((id) => this.type.get(id) === 'window');
    const delays = new Map(windows.map((w) => [w, (this.config.get(w) as WindowConfig).watermarkDelayMs]));
    const first = windows[0];
    for (const w of windows.slice(1))
      if (delays.get(w) !== delays.get(first!))
        this.refuse(
          w,
          'watermarkDelayMs',
          `${delays.get(w)} ms, but window "${first}" on the same source has ${delays.get(first!)} ms: on Flink the watermark belongs to the source table, so windows on one source share it`,
        );
    return first ? delays.get(first)! : 0;
  }

  private expression<T>(field: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof NotSql) throw new FieldRefusal(field, `not compiled to Flink SQL: ${err.message}`);
      throw err;
    }
  }

  private filter(id: string, cfg: { expression: string }): void {
    const up = this.input(id);
    if (!up) return;
    const cond = this.expression('expression', () => sqlExpression(cfg.expression, up.columns));
    this.view(id, id, `SELECT ${this.passColumns(up).join(', ')}\nFROM ${ident(up.view)}\nWHERE ${truth(cond)}`, {
      columns: up.columns,
      timeColumn: up.timeColumn,
    });
  }

  private map(id: string, cfg: { expression: string }): void {
    const up = this.input(id);
    if (!up) return;
    const fields = this.expression('expression', () => sqlRecord(cfg.expression, up.columns));
    const columns: Columns = new Map();
    let timeColumn: string | undefined;
    const select = fields.map(([name, v]) => {
      columns.set(name, v.type === 'NULL' ? 'STRING' : v.type);
      if (timeColumn === undefined && v.column !== undefined && v.column === up.timeColumn) timeColumn = name;
      return `${cast(v.sql, v.type)} AS ${ident(name)}`;
    });
    if (columns.has(ROWTIME))
      throw new FieldRefusal('expression', `the field name ${ROWTIME} is Sluice's own on Flink`);
    this.view(id, id, `SELECT ${[...select, ident(ROWTIME)].join(', ')}\nFROM ${ident(up.view)}`, {
      columns,
      timeColumn,
    });
  }

  private keyBy(id: string, cfg: { key: string; field: string }): void {
    const up = this.input(id);
    if (!up) return;
    const key = this.expression('key', () => sqlExpression(cfg.key, up.columns));
    const columns: Columns = new Map(up.columns);
    columns.set(cfg.field, 'STRING');
    const keySql = key.type === 'STRING' ? key.sql : `CAST(${key.sql} AS STRING)`;
    const select = [...up.columns.keys()].filter((c) => c !== cfg.field).map((c) => ident(c));
    this.view(
      id,
      id,
      `SELECT ${[...select, `${keySql} AS ${ident(cfg.field)}`, ident(ROWTIME)].join(', ')}\nFROM ${ident(up.view)}\nWHERE ${keySql} IS NOT NULL`,
      { columns, timeColumn: up.timeColumn === cfg.field ? undefined : up.timeColumn },
    );
  }

  private aggregate(a: Aggregate, columns: Columns): string {
    const f = a.field;
    if (a.op === 'count') return f ? `COUNT(${ident(this.fieldOf(f, columns, 'aggregates'))})` : 'COUNT(*)';
    if (!f) throw new FieldRefusal('aggregates', `${a.op} needs a field`);
    const t = columns.get(this.fieldOf(f, columns, 'aggregates'));
    if (t !== 'DOUBLE' && t !== 'BIGINT')
      throw new FieldRefusal('aggregates', `${a.op} of "${f}", a ${t?.toLowerCase()} field: it needs a number`);
    const num = `CAST(${ident(f)} AS DOUBLE)`;
    switch (a.op) {
      case 'sum':
        return `COALESCE(SUM(${num}), 0)`;
      case 'min':
        return `MIN(${num})`;
      case 'max':
        return `MAX(${num})`;
      case 'avg':
        return `AVG(${num})`;
      default: {
        // top: Sluice's aggregate function (in the job jar), its rows named as the aggregate names them.
        this.usesTop = true;
        const by = this.fieldOf(a.by!, columns, 'aggregates');
        const name = columns.get(by) === 'STRING' ? ident(by) : `CAST(${ident(by)} AS STRING)`;
        return `CAST(SLUICE_TOP(${name}, ${num}, ${a.n}) AS ARRAY<ROW<${ident(a.by!)} STRING, ${ident(f)} DOUBLE>>)`;
      }
    }
  }

  private fieldOf(f: string, columns: Columns, field: string): string {
    if (!columns.has(f))
      throw new FieldRefusal(
        field,
        `the field "${f}" is not in the records here (fields: ${[...columns.keys()].join(', ')})`,
      );
    return f;
  }

  private window(id: string, cfg: WindowConfig): void {
    const up = this.input(id);
    if (!up) return;
    if (cfg.allowedLatenessMs > 0)
      throw new FieldRefusal(
        'allowedLatenessMs',
        'Flink SQL window aggregations fire once, when the watermark passes the window; re-firing for late records (allowed lateness) has no SQL form — set it to 0, or run this window in-process',
      );
    if (cfg.scope === 'partition')
      throw new FieldRefusal(
        'scope',
        'results per Kafka partition are the in-process workers’ mode; on Flink use scope "all"',
      );
    if (cfg.timeField !== up.timeColumn)
      throw new FieldRefusal(
        'timeField',
        up.timeColumn
          ? `"${cfg.timeField}" is not the source's event time as it arrived ("${up.timeColumn}" is): on Flink a window's time is the source's rowtime`
          : `the source's event time does not reach this window unchanged (a map or key-by upstream replaced it): on Flink a window's time is the source's rowtime`,
      );
    const size = cfg.sizeMs;
    const slide = cfg.kind === 'sliding' ? cfg.slideMs! : size;
    if (size % slide !== 0)
      throw new FieldRefusal(
        'slideMs',
        `Flink's sliding windows need sizeMs (${size}) to be a whole multiple of slideMs (${slide})`,
      );
    const aggs = cfg.aggregates.map((a) => `${this.aggregate(a, up.columns)} AS ${ident(a.as)}`);
    // The input without records that have no event time (the engine reports those as errors).
    const input = `${id}:in`;
    this.view(id, input, `SELECT *\nFROM ${ident(up.view)}\nWHERE ${ident(cfg.timeField)} IS NOT NULL`, up);
    const tvf =
      cfg.kind === 'sliding'
        ? `HOP(TABLE ${ident(input)}, DESCRIPTOR(${ident(ROWTIME)}), ${ms(slide)}, ${ms(size)})`
        : `TUMBLE(TABLE ${ident(input)}, DESCRIPTOR(${ident(ROWTIME)}), ${ms(size)})`;
    const hasKey = up.columns.has(cfg.keyField);
    const key = hasKey
      ? up.columns.get(cfg.keyField) === 'STRING'
        ? `COALESCE(${ident(cfg.keyField)}, '')`
        : `COALESCE(CAST(${ident(cfg.keyField)} AS STRING), '')`
      : "''";
    const columns: Columns = new Map<string, SqlType>([
      [cfg.keyField, 'STRING'],
      ['windowStart', 'BIGINT'],
      ['windowEnd', 'BIGINT'],
      [cfg.timeField, 'BIGINT'],
    ]);
    for (const a of cfg.aggregates)
      columns.set(
        a.as,
        a.op === 'count'
          ? 'BIGINT'
          : a.op === 'top'
            ? `ARRAY<ROW<${ident(a.by!)} STRING, ${ident(a.field!)} DOUBLE>>`
            : 'DOUBLE',
      );
    const select = [
      `${key} AS ${ident(cfg.keyField)}`,
      `${epochMs('window_start')} AS ${ident('windowStart')}`,
      `${epochMs('window_end')} AS ${ident('windowEnd')}`,
      `${epochMs('window_end')} - 1 AS ${ident(cfg.timeField)}`,
      ...aggs,
      `window_time AS ${ident(ROWTIME)}`,
    ];
    const group = ['window_start', 'window_end', 'window_time', ...(hasKey ? [key] : [])];
    this.view(id, id, `SELECT ${select.join(',\n  ')}\nFROM TABLE(${tvf})\nGROUP BY ${group.join(', ')}`, {
      columns,
      timeColumn: cfg.timeField,
    });
    this.windows.push(id);
    const lateWired = this.pipeline.doc.edges.some((e) => e.from.node === id && e.from.port === 'late');
    if (lateWired) {
      // Late: the watermark (Flink's, one ms behind the engine's) has passed the end of the record's last window.
      const ts = ident(cfg.timeField);
      const lastEnd = `${ts} - MOD(${ts}, ${slide}) + ${size}`;
      this.view(
        id,
        `${id}:late`,
        `SELECT ${this.passColumns(up).join(', ')}\nFROM ${ident(input)}\nWHERE CURRENT_WATERMARK(${ident(ROWTIME)}) IS NOT NULL\n  AND TO_TIMESTAMP_LTZ(${lastEnd} - 1, 3) <= CURRENT_WATERMARK(${ident(ROWTIME)})`,
        up,
      );
    }
  }

  private kafkaSink(id: string, cfg: KafkaSinkConfig): void {
    const up = this.input(id);
    if (!up) return;
    if (cfg.stream)
      throw new FieldRefusal('stream', 'video on Kafka is written in-process (ffmpeg’s fMP4), not by Flink');
    if (cfg.partition)
      throw new FieldRefusal(
        'partition',
        'a partition expression has no Flink SQL form: leave it empty (partitions by the key’s hash)',
      );
    if (Object.keys(cfg.headers).length)
      throw new FieldRefusal('headers', 'headers are not written by the Flink compiler yet');
    if (cfg.keepKafkaField) throw new FieldRefusal('keepKafkaField', 'records on Flink carry no _kafka field');
    const { properties, secret } = this.conn.kafka(cfg.profile);
    for (const s of secret) this.secrets.add(s);
    const key = cfg.key ? this.expression('key', () => sqlExpression(cfg.key!, up.columns)) : undefined;
    const cols = [...up.columns].map(([c, t]) => `  ${ident(c)} ${sqlType(t)}`);
    const props: Record<string, string> = {
      connector: 'kafka',
      topic: cfg.topic,
      ...Object.fromEntries(Object.entries(properties).map(([k, v]) => [`properties.${k}`, v])),
      'properties.acks': cfg.acks === 'all' ? 'all' : cfg.acks === 'leader' ? '1' : '0',
      ...(cfg.idempotent ? { 'properties.enable.idempotence': 'true' } : {}),
      ...(cfg.compression === 'gzip' ? { 'properties.compression.type': 'gzip' } : {}),
      'properties.linger.ms': String(cfg.lingerMs),
      ...this.delivery(id),
      format: 'json',
      'json.encode.ignore-null-fields': 'true',
      ...(key ? { 'key.format': 'raw', 'key.fields': '__key', 'value.fields-include': 'EXCEPT_KEY' } : {}),
    };
    this.statements.push(
      `-- node ${id}: kafka-sink`,
      `CREATE TABLE ${ident(id)} (\n${[...cols, ...(key ? [`  ${ident('__key')} STRING`] : [])].join(',\n')}\n) WITH (\n${options(props)}\n);`,
      '',
    );
    this.objects[id] = id;
    const select = [...up.columns.keys()].map((c) => ident(c));
    if (key) select.push(`${key.type === 'STRING' ? key.sql : `CAST(${key.sql} AS STRING)`} AS ${ident('__key')}`);
    this.inserts.push(`INSERT INTO ${ident(id)}\nSELECT ${select.join(', ')}\nFROM ${ident(up.view)};`);
  }

  /**
   * A Kafka table's delivery: exactly once, transactional (committed at each checkpoint, so readers with
   * read_committed see a result once, a checkpoint interval later), or at least once.
   */
  private delivery(name: string): Record<string, string> {
    if (!this.exactlyOnce) return { 'sink.delivery-guarantee': 'at-least-once' };
    return {
      'sink.delivery-guarantee': 'exactly-once',
      // Stable per pipeline and sink: a job restarted (or started from a savepoint) aborts what its predecessor left open.
      'sink.transactional-id-prefix': `sluice-${slug(this.pipeline.doc.name)}-${slug(name)}`,
      'properties.transaction.timeout.ms': String(TRANSACTION_TIMEOUT_MS),
    };
  }

  /** With exactly-once, a Redis sink fed by the job must write what a replay cannot count twice. */
  private refuseNonIdempotentReaders(b: FlinkBridge): void {
    if (!this.exactlyOnce) return;
    for (const edgeId of b.edges) {
      const to = this.pipeline.doc.edges.find((e) => e.id === edgeId)?.to.node;
      const node = this.pipeline.nodes.find((n) => n.id === to);
      if (node?.spec.type !== 'redis') continue;
      const mode = (node.config as RedisSinkConfig).mode;
      if (IDEMPOTENT_REDIS_MODES.has(mode)) continue;
      this.refuse(
        node.id,
        'mode',
        `mode "${mode}" ${REPLAYED[mode] ?? 'writes again'} when a restart replays a record, so with the pipeline's Flink checkpointMode exactly-once its figures would be off: write each result with mode hash or value keyed by its window (e.g. key "likes:" & room, field $string(windowEnd)), or set the pipeline's checkpointMode to at-least-once`,
      );
    }
  }

  /** A port read by nodes that stay in-process: written to its bridge topic as JSON. */
  private bridge(b: FlinkBridge): void {
    this.refuseNonIdempotentReaders(b);
    const up = this.shapes.get(b.from.port === 'out' ? b.from.node : `${b.from.node}:${b.from.port}`);
    if (!up) return; // its node was refused
    const { properties, secret } = this.conn.kafka(b.profile);
    for (const s of secret) this.secrets.add(s);
    const name = `bridge.${b.from.node}.${b.from.port}`;
    const props: Record<string, string> = {
      connector: 'kafka',
      topic: b.topic,
      ...Object.fromEntries(Object.entries(properties).map(([k, v]) => [`properties.${k}`, v])),
      'properties.linger.ms': '5',
      ...this.delivery(`bridge-${b.from.node}-${b.from.port}`),
      format: 'json',
      'json.encode.ignore-null-fields': 'true',
    };
    const cols = [...up.columns].map(([c, t]) => `  ${ident(c)} ${sqlType(t)}`);
    this.statements.push(
      `-- ${b.from.node}.${b.from.port} → ${b.edges.length} wire(s) to nodes that run in-process: through Kafka topic ${b.topic}`,
      `CREATE TABLE ${ident(name)} (\n${cols.join(',\n')}\n) WITH (\n${options(props)}\n);`,
      '',
    );
    this.objects[name] = b.from.node;
    this.inserts.push(
      `INSERT INTO ${ident(name)}\nSELECT ${[...up.columns.keys()].map((c) => ident(c)).join(', ')}\nFROM ${ident(up.view)};`,
    );
  }

  private archive(id: string, cfg: ArchiveConfig): void {
    const up = this.input(id);
    if (!up) return;
    if (cfg.gzip) throw new FieldRefusal('gzip', 'Flink’s JSON files are not compressed: set gzip to false');
    let base: string;
    try {
      base = this.conn.archive(cfg.target);
    } catch (err) {
      throw new FieldRefusal('target', (err as Error).message);
    }
    // Leading constant folders go on the path; each placeholder after them is a partition column (Flink names a
    // partition folder column=value: {yyyy}/{MM} becomes yyyy=2026/MM=12).
    const segments = cfg.path.split('/').filter((s) => s !== '');
    const parts: string[] = [];
    for (const s of segments) {
      const m = /^\{(\w+)\}$/.exec(s);
      if (m) parts.push(m[1]!);
      else if (parts.length)
        throw new FieldRefusal(
          'path',
          `"${s}" after a placeholder: on Flink every folder after the first placeholder is one placeholder`,
        );
      else base = `${base.replace(/\/$/, '')}/${s}`;
    }
    const time = cfg.time === 'arrival' ? 'CURRENT_TIMESTAMP' : `TO_TIMESTAMP_LTZ(${ident(cfg.timeField)}, 3)`;
    if (cfg.time === 'event' && up.columns.get(cfg.timeField) !== 'BIGINT')
      throw new FieldRefusal('timeField', `"${cfg.timeField}" must be an integer field (ms since the epoch) on Flink`);
    const FORMAT: Record<string, string> = { yyyy: 'yyyy', MM: 'MM', dd: 'dd', HH: 'HH', mm: 'mm' };
    const cols = [...up.columns].map(([c, t]) => `  ${ident(c)} ${sqlType(t)}`);
    const partCols = parts.map((p) => `  ${ident(p)} STRING`);
    const props: Record<string, string> = {
      connector: 'filesystem',
      path: base,
      format: 'json',
      'json.encode.ignore-null-fields': 'true',
      'sink.rolling-policy.file-size': `${cfg.rollBytes}b`,
      'sink.rolling-policy.rollover-interval': `${cfg.rollIntervalMs} ms`,
      'sink.rolling-policy.check-interval': `${Math.min(cfg.rollIntervalMs, 1000)} ms`,
    };
    this.statements.push(
      `-- node ${id}: archive`,
      `CREATE TABLE ${ident(id)} (\n${[...cols, ...partCols].join(',\n')}\n)${parts.length ? ` PARTITIONED BY (${parts.map(ident).join(', ')})` : ''} WITH (\n${options(props)}\n);`,
      '',
    );
    this.objects[id] = id;
    const select = [
      ...[...up.columns.keys()].map((c) => ident(c)),
      ...parts.map((p) => `DATE_FORMAT(${time}, '${FORMAT[p]}') AS ${ident(p)}`),
    ];
    this.inserts.push(`INSERT INTO ${ident(id)}\nSELECT ${select.join(', ')}\nFROM ${ident(up.view)};`);
  }
}

/** A refusal of one config field, thrown inside a node's compile step. */
class FieldRefusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Compile the Flink part of a pipeline; throws FlinkCompileError listing every node that does not compile. */
/** The pipeline's Flink settings, and the connection profile's where the pipeline leaves one out. */
export function compileOptions(
  pipeline: ResolvedPipeline,
  profile?: { parallelism?: number; checkpointIntervalMs?: number },
): CompileOptions {
  const own = pipeline.doc.flink ?? {};
  return {
    parallelism: own.parallelism ?? profile?.parallelism,
    checkpointIntervalMs: own.checkpointIntervalMs ?? profile?.checkpointIntervalMs,
    checkpointMode: own.checkpointMode,
  };
}

export function compileFlinkScript(
  pipeline: ResolvedPipeline,
  part: FlinkPart,
  connections: FlinkConnections,
  options: CompileOptions = compileOptions(pipeline),
): FlinkJobScript {
  return new Compiler(pipeline, part, connections).compile(options);
}
