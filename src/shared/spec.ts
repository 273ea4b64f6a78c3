/**
 * Node type descriptions as the studio and the CLI see them: serializable, derived from each node's spec.
 */
import { portTypeFor } from './ports';

export const NODE_CATEGORIES = ['sources', 'media', 'kafka', 'operators', 'sinks'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

export interface PortInfo {
  name: string;
  /** A port type string, see `ports.ts`. */
  type: string;
  description: string;
}

/** One config field, flattened from the node's config schema for forms and listings. */
export interface ConfigFieldInfo {
  name: string;
  type: string;
  description: string;
  required: boolean;
  default?: unknown;
  unit?: string;
  enum?: readonly unknown[];
  /** How the inspector edits it, where the type alone does not say (from the schema's metadata): `code` is a
   * multi-line monospace editor (expressions). */
  widget?: 'code';
  /** A list of objects (`object[]`, e.g. a window's aggregates): the fields of one row, edited as a table's columns. */
  columns?: ConfigFieldInfo[];
}

/** What a node type is, as the engine declares it and the studio shows it. */
export interface NodeTypeBasics {
  type: string;
  category: NodeCategory;
  title: string;
  description: string;
  inputs: PortInfo[];
  outputs: PortInfo[];
}

export interface NodeTypeInfo extends NodeTypeBasics {
  fields: ConfigFieldInfo[];
  /** The JSON Schema of the node's config. */
  configSchema: Record<string, unknown>;
  /** A media node: its role in the group of media nodes that runs as one ffmpeg process. */
  media?: 'source' | 'audio' | 'encoder' | 'sink' | 'packager';
}

/** A node's config with the defaults of the fields it leaves out (as the engine sees it once validated). */
export function configWithDefaults(
  info: NodeTypeInfo | undefined,
  config: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of info?.fields ?? []) if (f.default !== undefined) out[f.name] = f.default;
  return { ...out, ...config };
}

/** A node's ports with their types as this node has them (config fields in a declared type filled in). */
export function resolvePorts(
  info: NodeTypeInfo | undefined,
  config: Readonly<Record<string, unknown>> | undefined,
): { inputs: PortInfo[]; outputs: PortInfo[] } {
  if (!info) return { inputs: [], outputs: [] };
  const all = configWithDefaults(info, config);
  const resolve = (ports: PortInfo[]) =>
    ports.some((p) => p.type.includes('{')) ? ports.map((p) => ({ ...p, type: portTypeFor(p.type, all) })) : ports;
  return { inputs: resolve(info.inputs), outputs: resolve(info.outputs) };
}
