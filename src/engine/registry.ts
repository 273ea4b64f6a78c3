/**
 * The node registry: one explicit import per node type. Palette, validation, schema and `sluice nodes` read it.
 */
import { describeNode, type NodeSpec } from './spec';
import liveRoom from './nodes/sources/live-room';
import filter from './nodes/operators/filter';
import map from './nodes/operators/map';
import keyBy from './nodes/operators/key-by';
import windowOp from './nodes/operators/window';
import serialize from './nodes/operators/serialize';
import debug from './nodes/sinks/debug';
import file from './nodes/sinks/file';
import testPattern from './nodes/sources/test-pattern';
import encoder from './nodes/media/encoder';
import mediaFile from './nodes/sinks/media-file';
import mediaFileSource from './nodes/sources/media-file-source';
import camera from './nodes/sources/camera';
import screen from './nodes/sources/screen';
import microphone from './nodes/sources/microphone';
import packager from './nodes/media/packager';
import hls from './nodes/sinks/hls';
import kafkaSource from './nodes/kafka/source';
import kafkaSink from './nodes/kafka/sink';
import redisSink from './nodes/redis/sink';
import archive from './nodes/sinks/archive';
import type { NodeTypeInfo } from '../shared/spec';

const SPECS: readonly NodeSpec[] = [
  liveRoom,
  testPattern,
  mediaFileSource,
  camera,
  screen,
  microphone,
  encoder,
  packager,
  kafkaSource,
  kafkaSink,
  filter,
  map,
  keyBy,
  windowOp,
  serialize,
  debug,
  file,
  mediaFile,
  hls,
  redisSink,
  archive,
] as unknown as NodeSpec[];

/** A set of node types to validate and run documents against. */
export interface NodeRegistry {
  get(type: string): NodeSpec | undefined;
  all(): readonly NodeSpec[];
}

/** Make a registry from specs (the built-in one, or one extended by an embedding program). */
export function createRegistry(specs: readonly NodeSpec[]): NodeRegistry {
  const byType = new Map(specs.map((s) => [s.type, s]));
  return { get: (type) => byType.get(type), all: () => specs };
}

/** The built-in node types. */
export const builtinRegistry = createRegistry(SPECS);

export function getNodeSpec(type: string): NodeSpec | undefined {
  return builtinRegistry.get(type);
}

export function allNodeSpecs(): readonly NodeSpec[] {
  return SPECS;
}

let infos: NodeTypeInfo[] | undefined;
/** Every node type, described for the studio and the CLI (computed once). */
export function listNodeTypes(): NodeTypeInfo[] {
  return (infos ??= SPECS.map(describeNode));
}
