/**
 * What every media node does with its group: the video source runs the group's one ffmpeg process (restarting it
 * after a crash by the encoder's policy); every member shows the process's figures and its state.
 */
import type { NodeInstance } from '../../contract/node';
import type { MediaNodeContext } from '../../contract/media';

/** A member that does not run the process: it shows the group's figures, and its state while the process restarts. */
export function mediaMember(ctx: MediaNodeContext): NodeInstance {
  ctx.media?.attach(ctx);
  return { metrics: () => ({ media: ctx.media?.metrics() }) };
}

/** An audio source: part of the process the video source runs; it runs as long as that process does. */
export function mediaAudioSource(ctx: MediaNodeContext): NodeInstance {
  const group = ctx.media;
  return {
    ...mediaMember(ctx),
    async run() {
      if (!group) throw new Error('a microphone must feed an encoder’s audio input (it is not wired to one)');
      await group.ended;
    },
  };
}

/** A video source: runs the group's process until it ends or the run stops. */
export function mediaSource(ctx: MediaNodeContext, what: string): NodeInstance {
  const group = ctx.media;
  group?.attach(ctx);
  return {
    async run() {
      if (!group) throw new Error(`${what} must feed an encoder (it is not wired to one)`);
      await group.run(ctx);
    },
    metrics: () => ({ media: group?.metrics(ctx.nodeId) }),
    // Also when the source failed to open and never ran: whoever waits on the group is released.
    close: () => group?.end(),
  };
}
