/**
 * The JSON description of a node type, derived from its spec: the schema the studio's inspector, the palette and
 * `sluice nodes` read.
 */
import { z } from 'zod';
import type { ConfigFieldInfo, NodeTypeInfo } from '../../shared/spec';
import type { NodeSpec } from './spec';

/** The JSON Schema of a node's config, as a user writes it (fields with defaults are optional). */
export function configJsonSchema(spec: NodeSpec): Record<string, unknown> {
  const schema = z.toJSONSchema(spec.config, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

function typeName(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum)) return 'enum';
  if (typeof s.type === 'string')
    return s.type === 'array' && s.items ? `${typeName(s.items as Record<string, unknown>)}[]` : s.type;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Record<string, unknown>[]).map(typeName).join(' | ');
  return 'any';
}

/** One property of an object schema as a form field; a list of objects gets its row's fields as columns. */
function fieldInfo(name: string, p: Record<string, unknown>, required: boolean): ConfigFieldInfo {
  const field: ConfigFieldInfo = {
    name,
    type: typeName(p),
    description: typeof p.description === 'string' ? p.description : '',
    required,
  };
  if ('default' in p) field.default = p.default;
  if (typeof p.unit === 'string') field.unit = p.unit;
  if (p.widget === 'code') field.widget = 'code';
  if (Array.isArray(p.enum)) field.enum = p.enum;
  const item = p.items as Record<string, unknown> | undefined;
  if (p.type === 'array' && item?.type === 'object' && item.properties) field.columns = fieldsOf(item);
  return field;
}

/** The fields of an object schema, in order. */
function fieldsOf(schema: Record<string, unknown>): ConfigFieldInfo[] {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => fieldInfo(name, p, required.has(name)));
}

/** The serializable description of a node type, derived from its spec. */
export function describeNode(spec: NodeSpec): NodeTypeInfo {
  const schema = configJsonSchema(spec);
  const fields = fieldsOf(schema);
  return {
    type: spec.type,
    category: spec.category,
    title: spec.title,
    description: spec.description,
    inputs: spec.inputs,
    outputs: spec.outputs,
    fields,
    configSchema: schema,
    ...(spec.media ? { media: spec.media } : {}),
  };
}
