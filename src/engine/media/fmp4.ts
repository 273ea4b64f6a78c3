/**
 * Fragmented MP4 as it streams out of ffmpeg: split into the init segment (ftyp + moov) and the fragments
 * (moof + mdat, with any styp/sidx/prft before them), each fragment marked when it starts with a keyframe; and the
 * codec string a Media Source Extensions player needs, read from the init segment.
 *
 * ISO/IEC 14496-12 boxes: a 32-bit size (1: a 64-bit size follows the type; 0: to the end) and a four-letter type.
 */

export interface InitSegment {
  kind: 'init';
  data: Uint8Array;
  /** The RFC 6381 codec string of the video track, e.g. `avc1.64001f` (empty when no video track was found). */
  codec: string;
  width: number;
  height: number;
  /** Ticks per second of the video track's decode times. */
  timescale: number;
}

export interface Fragment {
  kind: 'fragment';
  data: Uint8Array;
  /** The fragment's first sample is a sync sample: a player can start here. */
  keyframe: boolean;
  /** The first sample's decode time, in seconds. */
  time: number;
  /** Bytes of media in it (the mdat's payload): the encoded frames themselves. */
  mediaBytes: number;
}

export type Fmp4Part = InitSegment | Fragment;

const type = (b: Uint8Array, at: number) => String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u64 = (b: Uint8Array, at: number) => u32(b, at) * 2 ** 32 + u32(b, at + 4);
const hex2 = (n: number) => n.toString(16).padStart(2, '0');

interface Box {
  type: string;
  /** Offset of the box (its header) in the buffer. */
  start: number;
  /** Offset of its payload. */
  body: number;
  end: number;
}

/** The boxes in `b` between `from` and `to` (stops at a box that does not fit). */
function* boxes(b: Uint8Array, from = 0, to = b.length): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = u32(b, at);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = u64(b, at + 8);
      body = at + 16;
    } else if (size === 0) size = to - at;
    if (size < body - at || at + size > to) return;
    yield { type: type(b, at), start: at, body, end: at + size };
    at += size;
  }
}

const child = (b: Uint8Array, box: Box, name: string, skip = 0): Box | undefined => {
  for (const c of boxes(b, box.body + skip, box.end)) if (c.type === name) return c;
  return undefined;
};

/** Walk a path of child boxes from the top level of `b`. */
function find(b: Uint8Array, path: readonly string[]): Box | undefined {
  let box: Box | undefined = { type: '', start: 0, body: 0, end: b.length };
  for (const name of path) box = box && child(b, box, name);
  return box;
}

/** The video track's codec string, size and timescale, from an init segment. */
export function describeInit(init: Uint8Array): Omit<InitSegment, 'kind' | 'data'> {
  const moov = find(init, ['moov']);
  const none = { codec: '', width: 0, height: 0, timescale: 0 };
  if (!moov) return none;
  for (const trak of boxes(init, moov.body, moov.end)) {
    if (trak.type !== 'trak') continue;
    const mdia = child(init, trak, 'mdia');
    const hdlr = mdia && child(init, mdia, 'hdlr');
    if (!mdia || !hdlr || type(init, hdlr.body + 4) !== 'vide') continue;
    const mdhd = child(init, mdia, 'mdhd');
    const timescale = mdhd ? u32(init, mdhd.body + (init[mdhd.body] === 1 ? 20 : 12)) : 0;
    const minf = child(init, mdia, 'minf');
    const stbl = minf && child(init, minf, 'stbl');
    const stsd = stbl && child(init, stbl, 'stsd');
    // stsd: version/flags (4) and an entry count (4), then the sample entries.
    const entry = stsd && [...boxes(init, stsd.body + 8, stsd.end)][0];
    if (!entry) return { ...none, timescale };
    // A visual sample entry: 8 bytes of SampleEntry, 16 reserved, then width and height; children after 78 bytes.
    const width = u16(init, entry.body + 24);
    const height = u16(init, entry.body + 26);
    const config = child(init, entry, entry.type.startsWith('avc') ? 'avcC' : 'hvcC', 78);
    let codec = entry.type;
    if (config && entry.type.startsWith('avc'))
      codec = `${entry.type}.${hex2(init[config.body + 1]!)}${hex2(init[config.body + 2]!)}${hex2(init[config.body + 3]!)}`;
    else if (config) {
      // hvcC: general profile space/tier/idc, compatibility flags, constraint flags, level (RFC 6381 / ISO 14496-15 E.3).
      const p = init[config.body + 1]!;
      const space = ['', 'A', 'B', 'C'][p >> 6]!;
      const compat = u32(init, config.body + 2);
      let reversed = 0;
      for (let i = 0; i < 32; i++) if (compat & (1 << i)) reversed |= 1 << (31 - i);
      const level = init[config.body + 12]!;
      codec = `${entry.type}.${space}${p & 0x1f}.${(reversed >>> 0).toString(16)}.${p & 0x20 ? 'H' : 'L'}${level}.B0`;
    }
    return { codec, width, height, timescale };
  }
  return none;
}

/** Whether a moof's first sample is a sync sample, and its decode time in ticks. */
export function describeMoof(b: Uint8Array, moof: Box): { keyframe: boolean; ticks: number } {
  const traf = child(b, moof, 'traf');
  if (!traf) return { keyframe: false, ticks: 0 };
  const tfhd = child(b, traf, 'tfhd');
  const trun = child(b, traf, 'trun');
  const tfdt = child(b, traf, 'tfdt');
  const ticks = tfdt ? (b[tfdt.body] === 1 ? u64(b, tfdt.body + 4) : u32(b, tfdt.body + 4)) : 0;
  let flags: number | undefined;
  if (tfhd) {
    const f = u32(b, tfhd.body) & 0xffffff;
    // track_ID, then the optional fields in order: base data offset (8), description index, duration, size, flags.
    let at = tfhd.body + 8;
    if (f & 0x1) at += 8;
    if (f & 0x2) at += 4;
    if (f & 0x8) at += 4;
    if (f & 0x10) at += 4;
    if (f & 0x20) flags = u32(b, at);
  }
  if (trun) {
    const f = u32(b, trun.body) & 0xffffff;
    let at = trun.body + 8;
    if (f & 0x1) at += 4;
    if (f & 0x4) flags = u32(b, at);
    else if (f & 0x400) {
      // Per-sample flags: the first sample's, after its duration and size where present.
      if (f & 0x100) at += 4;
      if (f & 0x200) at += 4;
      flags = u32(b, at);
    }
  }
  // sample_is_non_sync_sample is bit 16 of the sample flags.
  return { keyframe: flags !== undefined && (flags & 0x10000) === 0, ticks };
}

/**
 * Splits a fragmented MP4 byte stream into its init segment and fragments, as the bytes arrive in chunks of any
 * size. A box is held until it is whole; the parts are handed on as soon as they are complete.
 */
export class Fmp4Splitter {
  private buffer = new Uint8Array(0);
  private pending: Uint8Array[] = [];
  private pendingMoof: { keyframe: boolean; ticks: number } | undefined;
  private timescale = 0;

  constructor(private readonly onPart: (part: Fmp4Part) => void) {}

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    let used = 0;
    for (const box of boxes(joined)) {
      this.take(joined.subarray(box.start, box.end), box.type, {
        ...box,
        start: 0,
        body: box.body - box.start,
        end: box.end - box.start,
      });
      used = box.end;
    }
    this.buffer = joined.slice(used);
  }

  private take(bytes: Uint8Array, kind: string, box: Box): void {
    this.pending.push(bytes.slice());
    if (kind === 'moof') this.pendingMoof = describeMoof(bytes, box);
    if (kind === 'moov') {
      const data = concat(this.pending);
      this.pending = [];
      const info = describeInit(data);
      this.timescale = info.timescale;
      this.onPart({ kind: 'init', data, ...info });
    } else if (kind === 'mdat' && this.pendingMoof) {
      const data = concat(this.pending);
      const { keyframe, ticks } = this.pendingMoof;
      this.pending = [];
      this.pendingMoof = undefined;
      this.onPart({
        kind: 'fragment',
        data,
        keyframe,
        time: this.timescale ? ticks / this.timescale : 0,
        mediaBytes: box.end - box.body,
      });
    }
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
