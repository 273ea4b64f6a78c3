/**
 * The one-line run summary the CLI prints each second.
 */
import type { MetricsTick } from '../shared/metrics';
import type { NodeTypeInfo } from '../shared/spec';

const si = (n: number): string =>
  n >= 1e6
    ? `${(n / 1e6).toFixed(2)}M`
    : n >= 1e4
      ? `${(n / 1e3).toFixed(1)}k`
      : n >= 100
        ? n.toFixed(0)
        : n.toFixed(1);

/** A window's watermark in a few words: how far it trails the newest event, or what it still waits for. */
function watermarkPart(id: string, e: NonNullable<MetricsTick['nodes'][string]['eventTime']>): string {
  const idle = e.idle?.length ? `, ${e.idle.length} idle partition(s)` : '';
  if (e.watermark === undefined) return `${id} no watermark yet${e.heldBy ? ` (waiting for ${e.heldBy}${idle})` : ''}`;
  const trail =
    e.trailMs === undefined
      ? ''
      : ` −${e.trailMs < 10_000 ? `${Math.round(e.trailMs)} ms` : `${(e.trailMs / 1000).toFixed(0)} s`}`;
  return `${id} wm${trail}${e.heldBy || idle ? ` (held by ${e.heldBy ?? '—'}${idle})` : ''}`;
}

/**
 * Sources' output and sinks' input rates since `prev` (counted, not sampled, so bursty windows average out), each
 * window's watermark, errors, the fullest queue and the worst back pressure of the last tick. Without `prev`,
 * totals since the start.
 */
export function summaryLine(
  tick: MetricsTick,
  prev: MetricsTick | undefined,
  typesByNode: Map<string, NodeTypeInfo>,
): string {
  const secs = Math.max((tick.elapsedMs - (prev?.elapsedMs ?? 0)) / 1000, 1e-3);
  const fmt = (now: number, before: number | undefined) => (prev ? `${si((now - (before ?? 0)) / secs)}/s` : si(now));
  const parts: string[] = [`${(tick.elapsedMs / 1000).toFixed(0)}s`];
  let errors = 0;
  for (const [id, m] of Object.entries(tick.nodes)) {
    errors += m.errors;
    const info = typesByNode.get(id);
    const p = prev?.nodes[id];
    if (m.media) {
      // A media group's figures (frames, fps, bitrate, dropped frames: records do not apply), once, on its source.
      const d = m.media;
      // A live ingest: waiting, or who publishes what (then the group's figures).
      const i = d.ingest;
      if (i)
        parts.push(
          i.waiting
            ? `${id} waiting for a publisher at ${i.url}${i.gaps ? ` (${i.gaps} gap${i.gaps === 1 ? '' : 's'})` : ''}`
            : `${id} publisher ${i.publisher ? `${i.publisher.codec} ${i.publisher.width}x${i.publisher.height}` : 'live'}${i.bitrateKbps === undefined ? '' : ` ${si(i.bitrateKbps)} kbit/s in`}`,
        );
      if (d.publish) parts.push(`${id} ${d.publish.connected ? 'publishing' : 'not connected'}`);
      if (info?.inputs.length === 0 && !i?.waiting)
        parts.push(
          `${id} ${d.frames} frames ${d.fps.toFixed(0)} fps ${d.bitrateKbps === undefined ? '' : `${si(d.bitrateKbps)} kbit/s `}${d.speed.toFixed(2)}× ${d.encoder ?? ''}${d.dropped ? ` dropped ${d.dropped} (${d.dropLevel})` : ''}`.trimEnd(),
        );
    } else if (info?.inputs.length === 0) parts.push(`${id}→${fmt(m.recordsOut, p?.recordsOut)}`);
    else if (info?.outputs.length === 0) parts.push(`${id}←${fmt(m.recordsIn, p?.recordsIn)}`);
    if (m.eventTime && !m.eventTime.partitions) parts.push(watermarkPart(id, m.eventTime));
    if (m.state === 'error') parts.push(`${id} ERROR`);
  }
  let fullest = '';
  let fill = -1;
  let pressure = 0;
  for (const [id, e] of Object.entries(tick.edges)) {
    const f = e.capacity ? e.length / e.capacity : 0;
    if (f > fill) [fullest, fill] = [id, f];
    pressure = Math.max(pressure, e.fullFraction);
  }
  parts.push(`errors ${errors}`);
  if (fullest)
    parts.push(`fullest queue ${fullest} ${(fill * 100).toFixed(0)}%`, `back pressure ${(pressure * 100).toFixed(0)}%`);
  return parts.join(' | ');
}
