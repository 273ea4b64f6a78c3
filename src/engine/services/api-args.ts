/**
 * Argument checks for every API method, applied on the engine side before a call runs.
 */
import { z } from 'zod';
import type { StudioMethods, StudioStreamName } from '../../shared/api';
import type { ArgsValidator } from '../../shared/rpc';

const relPath = z.string().min(1).max(1024);
const none = z.tuple([]);

const topic = z.string().min(1).max(249);
const ARGS: { [K in keyof StudioMethods | StudioStreamName]: z.ZodType } = {
  listNodeTypes: none,
  validate: z.tuple([z.string().max(16 * 1024 * 1024)]),
  openDemo: none,
  openPipeline: z.tuple([relPath]),
  listPipelines: none,
  hostInfo: none,
  openWithDialog: none,
  saveWithDialog: z.tuple([z.record(z.string(), z.unknown()), z.string().min(1).max(255)]),
  setWorkspace: z.tuple([z.string().min(1).max(4096)]),
  // The document itself is validated in full by `run`/`savePipeline`; here only its shape as an object.
  savePipeline: z.tuple([relPath, z.record(z.string(), z.unknown())]),
  run: z.tuple([z.record(z.string(), z.unknown())]),
  stop: none,
  status: none,
  peek: z.tuple([z.string().min(1).max(128)]),
  encoderProbe: z.tuple([z.boolean()]),
  mediaCommand: z.tuple([z.record(z.string(), z.unknown()), z.string().min(1).max(128)]),
  mediaDevices: none,
  kafkaProfiles: none,
  // (The profile's fields are checked in full when it is saved, with messages naming them.)
  kafkaSaveProfile: z.tuple([z.string().min(1).max(64), z.record(z.string(), z.unknown())]),
  kafkaDeleteProfile: z.tuple([z.string().min(1).max(64)]),
  kafkaSetSecret: z.tuple([z.string().min(1).max(64), z.string().min(1).max(4096).nullable()]),
  kafkaTestConnection: z.tuple([z.string().min(1).max(128)]),
  kafkaTopics: z.tuple([z.string().min(1).max(128)]),
  kafkaSample: z.tuple([z.string().min(1).max(128), topic, z.number().int().min(0), z.number().int().min(1).max(1000)]),
  kafkaGroups: z.tuple([z.string().min(1).max(128), z.array(z.string().min(1).max(255)).max(100)]),
  redisProfiles: none,
  redisSaveProfile: z.tuple([z.string().min(1).max(64), z.record(z.string(), z.unknown())]),
  redisDeleteProfile: z.tuple([z.string().min(1).max(64)]),
  redisSetSecret: z.tuple([z.string().min(1).max(64), z.string().min(1).max(4096).nullable()]),
  redisTestConnection: z.tuple([z.string().min(1).max(128)]),
  liveState: none,
  groupWorkers: z.tuple([z.string().min(1).max(128), z.string().min(1).max(255)]),
  runHistory: none,
  latencyTraces: none,
  runMetrics: z.tuple([z.string().regex(/^[0-9a-f-]{36}$/, 'a run id')]),
  preview: z.tuple([z.string().min(1).max(256)]),
  tap: z.tuple([z.string().min(1).max(256), z.string().max(4000), z.number().int().min(1).max(500)]),
  kafkaTail: z.tuple([z.string().min(1).max(128), topic, z.number().int().min(0)]),
};

export const validateApiArgs: ArgsValidator = (method, args) => {
  const schema = ARGS[method];
  // How many arguments the method takes: said in words, not as the tuple schema's complaint.
  const items = (schema as z.ZodTuple).def.items;
  if (args.length !== items.length)
    return `takes ${items.length} argument${items.length === 1 ? '' : 's'}, got ${args.length}`;
  const r = schema.safeParse(args);
  if (r.success) return undefined;
  const i = r.error.issues[0]!;
  const [arg, ...inner] = i.path;
  const where = `argument ${Number(arg) + 1}${inner.length ? ` at ${inner.map(String).join('.')}` : ''}`;
  return `${where}: ${i.message.replace(/^Invalid input: /, '')}`;
};
