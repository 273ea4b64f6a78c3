/**
 * The zod schema of a whole pipeline document, built from the node specs, and its JSON Schema.
 */
import { z } from 'zod';
import { FLINK_SETTINGS, PIPELINE_VERSION, QUEUE } from '../../shared/document';
import type { NodeSpec } from '../contract/spec';
import { PARAMETER_NAME } from '../../shared/parameters';

export const idSchema = z
  .string()
  .min(1, 'an id must not be empty')
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an id may use letters, digits and _ . : - only');

export const positionSchema = z
  .strictObject({ x: z.number(), y: z.number() })
  .describe('Where the node sits on the canvas.');

const portRef = z.strictObject({
  node: z.string().describe('The id of a node.'),
  port: z.string().describe('The name of one of its ports.'),
});

export const queueSchema = z
  .strictObject({
    maxRecords: z
      .number()
      .int()
      .min(QUEUE.maxRecords.min)
      .max(QUEUE.maxRecords.max)
      .optional()
      .describe(`Queue capacity in records (default ${QUEUE.maxRecords.default.toLocaleString('en')}).`),
    maxBytes: z
      .number()
      .int()
      .min(QUEUE.maxBytes.min)
      .optional()
      .describe(`Queue capacity in bytes (default ${QUEUE.maxBytes.default / 1024 / 1024} MB).`),
    overflow: z
      .enum(QUEUE.overflow.values)
      .optional()
      .describe(`When full: block the producer (back pressure) or drop and count (default ${QUEUE.overflow.default}).`),
  })
  .describe('The bounded queue on this edge.');

export const edgeSchema = z.strictObject({
  id: idSchema,
  from: portRef.describe('The output port it leaves.'),
  to: portRef.describe('The input port it feeds.'),
  queue: queueSchema.optional(),
});

/** The node envelope, whatever its type; its config is checked by its own spec. */
export const nodeEnvelopeSchema = z.strictObject({
  id: idSchema,
  type: z.string().describe('The node type, as listed by `sluice nodes`.'),
  position: positionSchema,
  config: z.record(z.string(), z.unknown()).default({}).describe("The node type's settings."),
});

const { checkpointIntervalMs, checkpointMode, parallelism } = FLINK_SETTINGS;
export const flinkSettingsSchema = z
  .strictObject({
    checkpointIntervalMs: z
      .number()
      .int()
      .min(checkpointIntervalMs.min)
      .max(checkpointIntervalMs.max)
      .optional()
      .describe(
        'How often Flink checkpoints (ms): offsets, window state and (exactly once) the sinks’ writes become final then. Default: the connection profile’s.',
      ),
    checkpointMode: z
      .enum(checkpointMode.values)
      .optional()
      .describe(
        `exactly-once: transactional Kafka writes (read_committed readers see each result once), Redis sinks only in modes a replay cannot count twice; at-least-once: a restart may write a result again. Default ${checkpointMode.default}.`,
      ),
    parallelism: z
      .number()
      .int()
      .min(parallelism.min)
      .max(parallelism.max)
      .optional()
      .describe('Parallelism of every operator. Default: the connection profile’s.'),
  })
  .describe('How the data part runs when deployed to Apache Flink.');

export const parameterSchema = z
  .strictObject({
    type: z.enum(['string', 'number', 'boolean']).describe('What its values are.'),
    default: z
      .union([z.string(), z.number(), z.boolean()])
      .optional()
      .describe('Its value where the environment gives none.'),
    description: z.string().optional().describe('What it is for.'),
    secret: z
      .boolean()
      .optional()
      .describe('Its value comes from the secret store (or SLUICE_SECRET_PARAM_<NAME>), never from a file.'),
  })
  .describe('A parameter: any config value may be ${name}.');

export const parametersSchema = z
  .record(
    z.string().regex(PARAMETER_NAME, 'a parameter name starts with a letter or _ and has letters, digits, _ . - only'),
    parameterSchema,
  )
  .describe('Parameters, by name: environment files (<pipeline>.<env>.json) and --set choose their values.');

export const documentEnvelopeSchema = z.strictObject({
  version: z.literal(PIPELINE_VERSION),
  name: z.string().min(1).describe('The pipeline name.'),
  description: z.string().optional(),
  parameters: parametersSchema.optional(),
  flink: flinkSettingsSchema.optional(),
  nodes: z.array(z.unknown()),
  edges: z.array(z.unknown()),
});

/** The JSON Schema of pipeline documents v1, with one branch per node type of `specs`. */
export function pipelineJsonSchema(specs: readonly NodeSpec[]): Record<string, unknown> {
  const nodeVariants = specs.map((spec) =>
    z
      .strictObject({
        id: idSchema,
        type: z.literal(spec.type),
        position: positionSchema,
        config: spec.config.default({} as never),
      })
      .describe(`${spec.title}: ${spec.description}`),
  );
  const doc = z
    .strictObject({
      version: z.literal(PIPELINE_VERSION).describe('The document format version.'),
      name: z.string().min(1).describe('The pipeline name.'),
      description: z.string().optional().describe('What the pipeline is for.'),
      parameters: parametersSchema.optional(),
      flink: flinkSettingsSchema.optional(),
      nodes: z.array(z.discriminatedUnion('type', nodeVariants as never)).describe('The nodes.'),
      edges: z.array(edgeSchema).describe('The wires between output and input ports.'),
    })
    .describe('A Sluice pipeline, version 1.');
  const schema = z.toJSONSchema(doc, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $id: 'urn:sluice:schema:pipeline:v1', title: 'Sluice pipeline v1', ...schema };
}
