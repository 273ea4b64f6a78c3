/**
 * Node type descriptions as the studio and the CLI see them: serializable, derived from each node's spec.
 */
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
}
