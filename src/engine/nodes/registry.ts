/**
 * The built-in node types: one explicit import per node type. Palette, validation, schema and `sluice nodes` read it.
 */
import { createRegistry, type NodeRegistry } from '../contract/registry';
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
import streamIngest from './sources/stream-ingest';
import camera from './sources/camera';
import screen from './sources/screen';
import microphone from './sources/microphone';
import packager from './media/packager';
import hls from './sinks/hls';
import kafkaSource from './kafka/source';
import kafkaSink from './kafka/sink';
import redisSink from './redis/sink';
import archive from './sinks/archive';
import streamPublish from './sinks/stream-publish';

const SPECS: readonly NodeSpec[] = [
  liveRoom,
  testPattern,
  mediaFileSource,
  streamIngest,
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
  streamPublish,
  redisSink,
  archive,
] as unknown as NodeSpec[];

/** The built-in node types. Only the composition roots import this; everything else is handed a registry. */
export const builtinRegistry: NodeRegistry = createRegistry(SPECS);
