/**
 * The API's methods and streams at run time: each declared once, here, with the schema of its arguments. The
 * method and stream lists are these keys, and the type checker holds them to `StudioMethods` / `StudioStreams`
 * (src/shared/api.ts): a method missing here, one here that the interface lacks, or arguments of another type
 * fail to compile.
 */
import { z } from 'zod';
import type { StudioMethods, StudioStreamName, StudioStreams } from '../../shared/api';
import type { PipelineDocument } from '../../shared/document';
import type { KafkaProfileSettings } from '../../shared/kafka';
import type { RedisProfileSettings } from '../../shared/redis';
import type { FlinkProfileSettings } from '../../shared/flink';
import type { ApiContract } from '../../shared/rpc';

/** What the declarations below must be: one argument schema per method (and stream), of the interface's types. */
export type MethodArgs = { [K in keyof StudioMethods]: z.ZodType<Parameters<StudioMethods[K]>> };
export type StreamArgs = { [K in StudioStreamName]: z.ZodType<StudioStreams[K]['args']> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An object argument whose fields are checked in full where it is used, with messages naming them. */
const object = <T>(what: string) => z.custom<T>(isObject, `expected ${what} (an object)`);
// The document itself is validated in full by `run`/`savePipeline`; here only its shape as an object.
const doc = object<PipelineDocument>('a pipeline document');
const relPath = z.string().min(1).max(1024);
const profileName = z.string().min(1).max(64);
const profile = z.string().min(1).max(128);
const nodeId = z.string().min(1).max(128);
const topic = z.string().min(1).max(249);
const secret = z.string().min(1).max(4096).nullable();
const none = z.tuple([]);
const params = z
  .strictObject({
    env: z.string().min(1).max(128).optional(),
    values: z.record(z.string().max(128), z.unknown()).optional(),
    set: z.record(z.string().max(128), z.string().max(65536)).optional(),
  })
  .optional();
const runTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('in-process') }),
  z.strictObject({ kind: z.literal('flink'), profile, fromSavepoint: z.string().min(1).max(4096).optional() }),
]);

export const METHOD_ARGS = {
  listNodeTypes: none,
  validate: z.tuple([z.string().max(256 * 1024 * 1024), params]),
  environments: z.tuple([relPath]),
  runTests: z.tuple([relPath, doc, params]),
  openDemo: none,
  openPipeline: z.tuple([relPath]),
  listPipelines: none,
  hostInfo: none,
  openWithDialog: none,
  saveWithDialog: z.tuple([doc, z.string().min(1).max(255)]),
  setWorkspace: z.tuple([z.string().min(1).max(4096)]),
  savePipeline: z.tuple([relPath, doc]),
  run: z.tuple([doc, runTarget.optional(), params]),
  stop: z.tuple([z.strictObject({ savepoint: z.boolean().optional() }).optional()]),
  status: none,
  peek: z.tuple([nodeId]),
  encoderProbe: z.tuple([z.boolean()]),
  mediaCommand: z.tuple([doc, nodeId, params]),
  mediaDevices: none,
  kafkaProfiles: none,
  kafkaSaveProfile: z.tuple([profileName, object<KafkaProfileSettings>('a Kafka profile')]),
  kafkaDeleteProfile: z.tuple([profileName]),
  kafkaSetSecret: z.tuple([profileName, secret]),
  kafkaTestConnection: z.tuple([profile]),
  kafkaTopics: z.tuple([profile]),
  kafkaSample: z.tuple([profile, topic, z.number().int().min(0), z.number().int().min(1).max(1000)]),
  kafkaGroups: z.tuple([profile]),
  redisProfiles: none,
  redisSaveProfile: z.tuple([profileName, object<RedisProfileSettings>('a Redis profile')]),
  redisDeleteProfile: z.tuple([profileName]),
  redisSetSecret: z.tuple([profileName, secret]),
  redisTestConnection: z.tuple([profile]),
  liveState: none,
  runHistory: none,
  latencyTraces: none,
  runMetrics: z.tuple([z.string().regex(/^[0-9a-f-]{36}$/, 'a run id')]),
  flinkProfiles: none,
  flinkSaveProfile: z.tuple([profileName, object<FlinkProfileSettings>('a Flink profile')]),
  flinkDeleteProfile: z.tuple([profileName]),
  flinkJob: z.tuple([doc, profile, params]),
  flinkProblems: z.tuple([doc, params]),
  kafkaInferSchema: z.tuple([profile, z.array(topic).min(1).max(100)]),
} satisfies MethodArgs;

export const STREAM_ARGS = {
  preview: z.tuple([z.string().min(1).max(256), z.number().int().min(0).max(7).optional()]),
  tap: z.tuple([z.string().min(1).max(256), z.string().max(4000), z.number().int().min(1).max(500)]),
  kafkaTail: z.tuple([profile, topic, z.number().int().min(0)]),
} satisfies StreamArgs;

/** The method names: what the RPC server dispatches to. */
export const API_METHODS = Object.keys(METHOD_ARGS) as (keyof StudioMethods)[];
/** The stream names. */
export const API_STREAMS = Object.keys(STREAM_ARGS) as StudioStreamName[];

const schemas: Record<string, z.ZodType> = { ...METHOD_ARGS, ...STREAM_ARGS };

/** A call's arguments checked against its schema: a message naming the bad argument, or undefined. */
function checkArgs(name: string, args: unknown[]): string | undefined {
  const schema = schemas[name]!;
  // How many arguments the method takes: said in words, not as the tuple schema's complaint.
  const items = (schema as z.ZodTuple).def.items;
  // Trailing optional arguments may be left out.
  const required = items.filter((i) => !(i as z.ZodType).safeParse(undefined).success).length;
  if (args.length < required || args.length > items.length) {
    const n = required === items.length ? `${items.length}` : `${required} to ${items.length}`;
    return `takes ${n} argument${n === '1' ? '' : 's'}, got ${args.length}`;
  }
  const r = schema.safeParse(args);
  if (r.success) return undefined;
  const i = r.error.issues[0]!;
  const [arg, ...inner] = i.path;
  const where = `argument ${Number(arg) + 1}${inner.length ? ` at ${inner.map(String).join('.')}` : ''}`;
  return `${where}: ${i.message.replace(/^Invalid input: /, '')}`;
}

const methodSet = new Set<string>(API_METHODS);
const streamSet = new Set<string>(API_STREAMS);

/** What the serving side of the RPC layer knows of the API. */
export const apiContract: ApiContract = {
  isMethod: (name): name is keyof StudioMethods => methodSet.has(name),
  isStream: (name): name is StudioStreamName => streamSet.has(name),
  check: checkArgs,
};
