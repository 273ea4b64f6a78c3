/**
 * The node registry: one explicit import per node type. Palette, validation, schema and `sluice nodes` read it.
 */
import { describeNode } from '../contract/describe';
import type { NodeSpec } from '../contract/spec';
import liveRoom from './sources/live-room';
import filter from './operators/filter';
import map from './operators/map';
import keyBy from './operators/key-by';
import windowOp from './operators/window';
import serialize from './operators/serialize';
import debug from './sinks/debug';
import file from './sinks/file';
import testPattern from './sources/test-pattern';
import encoder from './media/encoder';
import mediaFile from './sinks/media-file';
import mediaFileSource from './sources/media-file-source';
import camera from './sources/camera';
import screen from './sources/screen';
import microphone from './sources/microphone';
import packager from './media/packager';
import hls from './sinks/hls';
import kafkaSource from './kafka/source';
import kafkaSink from './kafka/sink';
import redisSink from './redis/sink';
import archive from './sinks/archive';
import type { NodeTypeInfo } from '../../shared/spec';

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
