import type { IngestMetrics } from '../../../shared/metrics';

/** Compact number formatting for rates and counts. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 10 || n === 0) return n.toFixed(0);
  return n.toFixed(1);
}

/** A count (whole numbers stay whole): 7, 950, 1.2k, 34k. */
export const count = (n: number): string => (Math.abs(n) < 1000 ? String(Math.round(n)) : compact(n));

/** A bitrate in kbit/s as people read it: 850 kb/s, 2.4 Mb/s. */
export const bitrate = (kbps: number): string =>
  kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mb/s` : `${Math.round(kbps)} kb/s`;

const fpsText = (fps: number) => `${fps.toFixed(fps >= 10 ? 0 : 1)} fps`;

/** A media process's figures in a few characters: frames per second and bitrate; a ladder's, per rendition. */
export const mediaFigures = (m: {
  fps: number;
  bitrateKbps?: number;
  renditions?: { height: number; fps?: number; bitrateKbps?: number }[];
}): string =>
  m.renditions
    ? m.renditions
        .map(
          (r) =>
            `${r.height}p${r.fps === undefined ? '' : ` ${fpsText(r.fps)}`}${r.bitrateKbps === undefined ? '' : ` ${bitrate(r.bitrateKbps)}`}`,
        )
        .join(' · ')
    : `${fpsText(m.fps)}${m.bitrateKbps === undefined ? '' : ` · ${bitrate(m.bitrateKbps)}`}`;

/** A live ingest in a few words: waiting, or what its publisher sends ("h264 1280×720 30 fps · 2.5 Mb/s in"). */
export function ingestFigures(i: IngestMetrics): string {
  if (i.waiting) return 'waiting for a publisher';
  const p = i.publisher;
  const what = p ? `${p.codec} ${p.width}×${p.height}${p.fps ? ` ${Math.round(p.fps * 100) / 100} fps` : ''}` : 'live';
  return `${what}${i.bitrateKbps === undefined ? '' : ` · ${bitrate(i.bitrateKbps)} in`}`;
}

/** A stable colour per series index. */
export const SERIES_COLOURS = [
  '#4f8cff',
  '#f5a524',
  '#17c964',
  '#f31260',
  '#9353d3',
  '#06b7db',
  '#ff7a45',
  '#a3e635',
  '#e879f9',
  '#94a3b8',
  '#facc15',
  '#2dd4bf',
];

/** Port-type colours, shared by handles and the legend. */
export function portColour(type: string): string {
  if (type.startsWith('video/encoded')) return '#ff7a45';
  if (type.startsWith('video')) return '#f5a524';
  if (type.startsWith('audio')) return '#17c964';
  if (type === 'bytes') return '#94a3b8';
  return '#4f8cff';
}

/**
 * A config field's name as people read it: `watermarkDelayMs` → "Watermark delay" (its unit is shown beside it),
 * `maxRecordsPerSecond` → "Max records per second".
 */
export function fieldLabel(name: string, unit?: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean);
  // The unit is said once, in brackets: not again at the end of the name (sizeMs, maxBytes with unit bytes).
  const last = words.at(-1)?.toLowerCase();
  if (words.length > 1 && unit && (last === unit.toLowerCase() || (last === 'ms' && unit === 'ms'))) words.pop();
  const text = words.map((w, i) => (i === 0 || /^[A-Z0-9]+$/.test(w) ? w : w.toLowerCase())).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * An axis tick: large values as `compact` does; small ones with the digits that tell neighbouring ticks apart
 * (0.05, 0.1, 0.15, not 0.1 three times).
 */
export function tick(n: number): string {
  if (n === 0 || !Number.isFinite(n)) return compact(n);
  return Math.abs(n) >= 10 ? compact(n) : String(Number(n.toPrecision(2)));
}

/** A duration in milliseconds, as precise as it is small: 12 ms, 1.4 ms, 0.031 ms. */
export function millis(n: number): string {
  if (n === 0) return '0';
  if (n >= 10) return n.toFixed(0);
  if (n >= 1) return n.toFixed(1);
  return String(Number(n.toPrecision(2)));
}

/** Ticks for a log-like (symlog) axis: 0 and the powers of ten up to `max`. */
export function logTicks(max: number): number[] {
  const ticks = [0];
  for (let p = 1; p <= Math.max(10, max * 1.0001); p *= 10) ticks.push(p);
  return ticks;
}
