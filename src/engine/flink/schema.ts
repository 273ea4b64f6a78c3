/**
 * A Kafka source's schema inferred from its topic: the newest messages of each partition sampled (as the topic
 * browser samples them), each top-level field given the narrowest type that holds every value seen — integer,
 * number, boolean, string. A field whose values disagree (a number here, a string there) becomes a string and is
 * named in the notes; nested objects and arrays are left out (Flink reads flat rows here) and named too.
 */
import { listTopics, sampleMessages } from '../connectors/kafka/browser';
import type { KafkaSourceConfig } from '../nodes/kafka/source/config';

export type FieldType = 'string' | 'number' | 'integer' | 'boolean';

export interface InferredSchema {
  schema: Record<string, FieldType>;
  sampled: number;
  /** What the user should look at: fields left out or widened, messages that were not JSON objects. */
  notes: string[];
}

const kindOf = (v: unknown): FieldType | 'nested' | undefined =>
  v === null || v === undefined
    ? undefined
    : typeof v === 'boolean'
      ? 'boolean'
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? 'integer'
          : 'number'
        : typeof v === 'string'
          ? 'string'
          : 'nested';

/** The schema of a set of JSON values (pure: the sampling is separate). */
export function schemaOf(values: readonly unknown[]): InferredSchema {
  const seen = new Map<string, Set<FieldType | 'nested'>>();
  let notObjects = 0;
  for (const v of values) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      notObjects++;
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      const kind = kindOf(x);
      if (!seen.has(k)) seen.set(k, new Set());
      if (kind) seen.get(k)!.add(kind);
    }
  }
  const schema: Record<string, FieldType> = {};
  const notes: string[] = [];
  for (const [field, kinds] of seen) {
    if (kinds.has('nested')) {
      notes.push(`field "${field}" holds objects or arrays: left out (Flink reads flat fields here)`);
      continue;
    }
    if (kinds.size === 0) schema[field] = 'string';
    else if (kinds.size === 1) schema[field] = [...kinds][0] as FieldType;
    else if ([...kinds].every((k) => k === 'integer' || k === 'number')) schema[field] = 'number';
    else {
      schema[field] = 'string';
      notes.push(`field "${field}" has values of several types (${[...kinds].join(', ')}): typed string`);
    }
  }
  if (notObjects) notes.push(`${notObjects} message(s) were not JSON objects: left out`);
  return { schema, sampled: values.length, notes };
}

/** Sample the source's topics and infer its schema. */
export async function inferSchema(cfg: KafkaSourceConfig, samples = 200): Promise<InferredSchema> {
  if (!cfg.topics.length)
    throw new Error('the source names no topics (a pattern is not sampled): list the topics to read in "topics"');
  const topics = new Map((await listTopics(cfg.profile)).map((t) => [t.name, t]));
  const values: unknown[] = [];
  let unreadable = 0;
  for (const name of cfg.topics) {
    const t = topics.get(name);
    if (!t) throw new Error(`topic "${name}" does not exist on profile "${cfg.profile}"`);
    const per = Math.max(1, Math.ceil(samples / cfg.topics.length / Math.max(1, t.partitions.length)));
    for (const p of t.partitions) {
      for (const m of await sampleMessages(cfg.profile, name, p.partition, per)) {
        try {
          values.push(JSON.parse(m.encoding === 'json' ? m.value! : 'x'));
        } catch {
          unreadable++;
        }
      }
    }
  }
  if (values.length === 0)
    throw new Error(
      `no JSON messages to sample in ${cfg.topics.join(', ')}: write some first, or declare the schema by hand`,
    );
  const result = schemaOf(values);
  if (unreadable) result.notes.push(`${unreadable} message(s) were not JSON: left out`);
  result.sampled += unreadable;
  return result;
}
