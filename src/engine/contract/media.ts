/**
 * The media ability: a media node is a member of a group that runs as one ffmpeg process (see plan/media-groups.ts
 * for how groups are found, media/group.ts for how one runs).
 */
import type { MediaNodeMetrics } from '../../shared/metrics';
import type { NodeTypeInfo } from '../../shared/spec';
import type { MediaOutput, OutputStreams } from '../media/command';
import type { MediaInput } from '../media/inputs';
import type { NodeContext } from './node';

/** The role of a media node type in its group. */
export type MediaRole = NonNullable<NodeTypeInfo['media']>;

/** Where an output goes in the process: the pipe it gets (packagers) and the restart count (file names). */
export interface OutputPlace {
  fd: number;
  attempt: number;
  /** The encoder's renditions (more than one: a ladder) and whether there is sound. */
  streams?: OutputStreams;
}

/** A media source's ffmpeg input, a media sink's or packager's ffmpeg output. */
export interface MediaHooks<C> {
  input?(config: C, startMs: number): MediaInput;
  output?(config: C, place: OutputPlace): MediaOutput;
}

/** What a member node sees of its running group. */
export interface MediaGroupHandle {
  /** Wall-clock time of the current process's start: media time 0. */
  readonly startedAt: number;
  /** Resolves when the group's process has ended for good, or will not start. */
  readonly ended: Promise<void>;
  /** Show the group's state (restarting) on this member too. */
  attach(ctx: NodeContext): void;
  /** The process's figures, shown by every member (a live ingest's publisher on its source node only). */
  metrics(nodeId?: string): MediaNodeMetrics | undefined;
  /** Choose the group's encoder from this machine's probe. */
  chooseEncoder(): Promise<{ encoder?: string; error?: string }>;
  /** Run the process (the video source does), restarting it by the encoder's policy. */
  run(ctx: NodeContext): Promise<void>;
  /** The group will run no more. */
  end(): void;
  /** A packager's fMP4 stream across restarts. */
  packagerStream(id: string): AsyncIterable<Uint8Array>;
}

/** A media node's context: its group, where the plan put it in one. */
export interface MediaNodeContext extends NodeContext {
  readonly media?: MediaGroupHandle;
}
