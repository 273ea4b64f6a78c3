/**
 * The RTMP gate's reading of a publisher's commands: chunked messages (any chunk size, split anywhere on the wire),
 * AMF0 commands, and which of them keep a publisher out. ffmpeg's log of a publisher's streams read into its info.
 */
import { describe, expect, it } from 'vitest';
import { readCommand, refusal, RtmpCommandReader } from '../src/engine/media/rtmp-gate';
import { ingestInput, PublisherInfoReader, publisherProblem } from '../src/engine/media/ingest';
import { errorLine } from '../src/engine/media/runner';

/** AMF0 values as bytes. */
const amf = {
  str: (s: string) => Buffer.concat([Buffer.from([2, s.length >> 8, s.length & 255]), Buffer.from(s)]),
  num: (n: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0;
    b.writeDoubleBE(n, 1);
    return b;
  },
  nul: () => Buffer.from([5]),
  obj: (o: Record<string, string>) =>
    Buffer.concat([
      Buffer.from([3]),
      ...Object.entries(o).map(([k, v]) =>
        Buffer.concat([Buffer.from([k.length >> 8, k.length & 255]), Buffer.from(k), amf.str(v)]),
      ),
      Buffer.from([0, 0, 9]),
    ]),
};

/** One message as chunks of `size` on chunk stream `csid`: a type-0 header, then type-3 continuations. */
function chunks(csid: number, type: number, payload: Buffer, size: number): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const part = payload.subarray(at, at + size);
    if (at === 0) {
      const h = Buffer.alloc(12);
      h[0] = csid;
      h.writeUIntBE(0, 1, 3);
      h.writeUIntBE(payload.length, 4, 3);
      h[7] = type;
      h.writeUInt32LE(1, 8);
      out.push(h, part);
    } else out.push(Buffer.from([0xc0 | csid]), part);
  }
  return Buffer.concat(out);
}

const connect = Buffer.concat([
  amf.str('connect'),
  amf.num(1),
  amf.obj({ app: 'live', tcUrl: 'rtmp://127.0.0.1/live', type: 'nonprivate' }),
]);
const publish = (key: string) =>
  Buffer.concat([amf.str('publish'), amf.num(5), amf.nul(), amf.str(key), amf.str('live')]);
const setChunkSize = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

describe('RTMP gate', () => {
  it('reads connect and publish across chunks of 128 bytes, after a SetChunkSize, fed a byte at a time', () => {
    const handshake = Buffer.alloc(1 + 1536 + 1536, 7);
    const wire = Buffer.concat([
      handshake,
      chunks(2, 1, setChunkSize(60), 128), // the client's chunks are 60 bytes from here
      chunks(3, 20, connect, 60),
      chunks(4, 20, publish('room-42'), 60),
    ]);
    const reader = new RtmpCommandReader();
    const commands: { name: string; app?: string; stream?: string; end: number }[] = [];
    for (let i = 0; i < wire.length; i++)
      for (const r of reader.push(wire.subarray(i, i + 1))) if (r.command) commands.push({ ...r.command, end: r.end });
    expect(commands.map(({ end: _, ...c }) => c)).toEqual([
      { name: 'connect', app: 'live' },
      { name: 'publish', stream: 'room-42' },
    ]);
    // Each command ends where its message does: the gate forwards up to there and holds the rest.
    expect(commands.at(-1)!.end).toBe(wire.length);
  });

  it('turns away another application or another key, and lets the right ones through', () => {
    expect(refusal({ name: 'connect', app: 'live' }, 'live', 'k')).toBeUndefined();
    expect(refusal({ name: 'connect', app: 'live/' }, 'live', 'k')).toBeUndefined();
    expect(refusal({ name: 'connect', app: 'other' }, 'live', 'k')).toBe(
      'it asked for application "other"; this ingest is "live"',
    );
    expect(refusal({ name: 'publish', stream: 'k' }, 'live', 'k')).toBeUndefined();
    expect(refusal({ name: 'publish', stream: 'k?token=1' }, 'live', 'k')).toBeUndefined();
    expect(refusal({ name: 'publish', stream: 'guess' }, 'live', 'k')).toBe('wrong stream key');
    expect(refusal({ name: 'FCPublish', stream: 'guess' }, 'live', 'k')).toBe('wrong stream key');
    expect(refusal({ name: 'createStream' }, 'live', 'k')).toBeUndefined();
  });

  it('reads a command message that is not one it knows without failing', () => {
    expect(readCommand(Buffer.concat([amf.str('_checkbw'), amf.num(3), amf.nul()]))).toEqual({ name: '_checkbw' });
    expect(readCommand(Buffer.from([0xff, 1, 2]))).toBeUndefined();
  });
});

describe('the publisher as ffmpeg logs it', () => {
  it('takes codec, size, frame rate and sound from the input report, not the output', () => {
    const r = new PublisherInfoReader();
    for (const l of [
      "[info] Input #0, flv, from 'rtmp://127.0.0.1:40000/live/k':",
      '[info]   Stream #0:0: Video: h264 (High), yuv420p(progressive), 1920x1080 [SAR 1:1 DAR 16:9], 29.97 fps, 29.97 tbr, 1k tbn',
      '[info]   Stream #0:1: Audio: aac (LC), 48000 Hz, stereo, fltp, 160 kb/s',
      "[info] Output #0, hls, to 'index.m3u8':",
      '[info]   Stream #0:0: Video: h264, yuv420p, 640x360, q=2-31, 30 fps',
    ])
      r.line(l);
    expect(r.info).toEqual({ codec: 'h264', width: 1920, height: 1080, fps: 29.97, audio: 'aac' });
  });

  it('keeps errors (their level dropped) and leaves info and warnings out of a node’s error', () => {
    expect(errorLine('[error] rtmp://x: Input/output error')).toBe('rtmp://x: Input/output error');
    expect(errorLine('[info] Press [q] to stop')).toBeUndefined();
    expect(errorLine('[warning] Unexpected stream guess')).toBeUndefined();
    expect(errorLine('09:05:04/SRT:RcvQ: Incorrect passphrase')).toBe('09:05:04/SRT:RcvQ: Incorrect passphrase');
  });
});

describe('a publisher whose stream cannot be used, in words', () => {
  it('no video, a codec without a decoder, an unreadable stream; nothing when the publisher just left', () => {
    expect(
      publisherProblem(["Stream map '0:v:0' matches no streams.", "To ignore this, add a trailing '?' to the map."]),
    ).toBe('the publisher sent no video (sound only?): an ingest needs a video stream');
    expect(
      publisherProblem([
        "Stream specifier ':v:0' in filtergraph description [0:v:0]split=3[s0][s1][s2] matches no streams.",
      ]),
    ).toBe('the publisher sent no video (sound only?): an ingest needs a video stream');
    expect(publisherProblem(['Decoder (codec av1) not found for input stream #0:0'])).toBe(
      "the publisher's video codec (av1) cannot be decoded by this ffmpeg",
    );
    expect(publisherProblem(['rtmp://127.0.0.1:4000/live/k: Input/output error'])).toBeUndefined();
  });
});

describe('an ingest as an ffmpeg input', () => {
  const base = { host: '127.0.0.1', app: 'live', latencyMs: 120, rate: 30, audio: true };
  it('RTMP: ffmpeg listening at the address publishers are given (Sluice runs it behind its door)', () => {
    const input = ingestInput({ ...base, protocol: 'rtmp', streamKey: 'k' });
    expect(input.args).toEqual([
      '-analyzeduration',
      '1000000',
      '-listen',
      '1',
      '-f',
      'flv',
      '-i',
      'rtmp://127.0.0.1:1935/live/k',
    ]);
    expect(input.live).toMatchObject({ protocol: 'rtmp', port: 1935, key: 'k', url: 'rtmp://127.0.0.1:1935/live/k' });
  });
  it('SRT: a listener whose passphrase is a mark in what is shown, put in only when ffmpeg starts', () => {
    process.env.SLUICE_SECRET_SRT_ROOM = 'the real passphrase';
    try {
      const input = ingestInput({ ...base, protocol: 'srt', port: 9100, passphraseName: 'room' });
      expect(input.args.at(-1)).toBe('srt://127.0.0.1:9100?mode=listener&latency=120000&passphrase=********');
      expect(JSON.stringify(input)).not.toContain('real passphrase');
    } finally {
      delete process.env.SLUICE_SECRET_SRT_ROOM;
    }
  });
});
