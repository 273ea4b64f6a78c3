/**
 * Port types: what may travel on a wire between two nodes.
 *
 * A port type is written as a string so that it reads well in pipeline files and specs:
 * `record`, `video/raw`, `video/encoded(h264)`, `video/encoded(hevc)`, `video/encoded` (any codec, inputs only),
 * `audio/raw`, `audio/encoded`, `bytes`.
 */
export const PORT_KINDS = ['record', 'video/raw', 'video/encoded', 'audio/raw', 'audio/encoded', 'bytes'] as const;
export type PortKind = (typeof PORT_KINDS)[number];

export const VIDEO_CODECS = ['h264', 'hevc'] as const;
export type VideoCodec = (typeof VIDEO_CODECS)[number];

/** A parsed port type: its kind and, for encoded video, the codec (undefined means any codec). */
export interface PortType {
  kind: PortKind;
  codec?: string;
}

const PORT_RE = /^([a-z]+(?:\/[a-z]+)?)(?:\(([a-z0-9]+)\))?$/;

/** Parse a port type string; returns undefined when it is not one of the known kinds. */
export function parsePortType(text: string): PortType | undefined {
  const m = PORT_RE.exec(text);
  if (!m) return undefined;
  const kind = m[1] as PortKind;
  if (!PORT_KINDS.includes(kind)) return undefined;
  if (m[2] !== undefined) {
    if (kind !== 'video/encoded' && kind !== 'audio/encoded') return undefined;
    return { kind, codec: m[2] };
  }
  return { kind };
}

/** Format a port type back to its string form. */
export function formatPortType(t: PortType): string {
  return t.codec ? `${t.kind}(${t.codec})` : t.kind;
}

/**
 * A port's type as a node of that type has it: a declared type may name a config field in braces, so that an
 * encoder declares `video/encoded({codec})` and one configured with `codec: "hevc"` has a
 * `video/encoded(hevc)` output. A field that is not set leaves the braces, and the type then parses as unknown.
 */
export function portTypeFor(declared: string, config: Readonly<Record<string, unknown>> | undefined): string {
  return declared.replace(/\{(\w+)\}/g, (whole, field: string) => {
    const v = config?.[field];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : whole;
  });
}

/** Why one kind cannot feed another, and what to add in between; keyed `from→to`. */
const BRIDGES: Record<string, string> = {
  'video/raw→record': 'add an encoder and a packager first',
  'video/raw→bytes': 'add an encoder and a packager first',
  'video/raw→video/encoded': 'add an encoder first',
  'video/encoded→video/raw': 'add a decoder first',
  'video/encoded→record': 'add a packager first, then carry its bytes',
  'video/encoded→bytes': 'add a packager first',
  'audio/raw→audio/encoded': 'add an audio encoder first',
  'audio/raw→record': 'add an audio encoder and a packager first',
  'audio/encoded→record': 'add a packager first',
  'audio/encoded→bytes': 'add a packager first',
  'bytes→record': 'add a parser that turns bytes into records first',
  'record→bytes': 'add a serializer that turns records into bytes first',
  'record→video/raw': 'records cannot become video',
  'record→video/encoded': 'records cannot become video',
  'bytes→video/encoded': 'add a demuxer first',
};

/** The verdict on one wire: allowed, or refused with a reason a person understands. */
export type WireVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Decide whether an output port of type `from` can feed an input port of type `to`.
 * This is the one place the rule lives: validation, the editor and the engine all ask it.
 */
export function canFeed(from: string, to: string): WireVerdict {
  const f = parsePortType(from);
  const t = parsePortType(to);
  if (!f) return { ok: false, reason: `unknown output port type "${from}"` };
  if (!t) return { ok: false, reason: `unknown input port type "${to}"` };
  if (f.kind === t.kind) {
    if (t.codec && f.codec !== t.codec) {
      const have = f.codec ? `${formatPortType(f)}` : `${f.kind} of an unknown codec`;
      return { ok: false, reason: `${have} cannot feed a ${formatPortType(t)} input: re-encode to ${t.codec} first` };
    }
    return { ok: true };
  }
  const bridge = BRIDGES[`${f.kind}→${t.kind}`] ?? 'these kinds of data do not mix';
  return { ok: false, reason: `${formatPortType(f)} cannot feed a ${formatPortType(t)} input: ${bridge}` };
}

/** Port kinds that carry media: what travels on them stays inside a media group's ffmpeg process, not in Node. */
export const MEDIA_KINDS: ReadonlySet<string> = new Set(['video/raw', 'video/encoded', 'audio/raw', 'audio/encoded']);
