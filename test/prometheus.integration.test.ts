/**
 * Headless runs expose Prometheus metrics: `sluice run --metrics-port N` serves the text format at /metrics, which an
 * independent parser reads, with node and edge labels, and counters that rise between scrapes.
 */
import { spawn } from 'node:child_process';

import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it, vi } from 'vitest';
import { freePort } from '../src/engine/support/net';
import { ROOT, tempDir, until } from './helpers';

const BIN = join(ROOT, 'bin/sluice.js');

interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string }[];
}

async function scrape(port: number): Promise<Map<string, Family>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await res.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

const value = (f: Family | undefined, labels: Record<string, string>): number => {
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return Number(m?.value);
};

describe('Prometheus metrics of a headless run', () => {
  it('serve the demo’s nodes and wires with labels; counters rise; a busy port is refused in words', async () => {
    const port = await freePort();
    // (From a folder of its own: the demo archives its events under ./archive.)
    const cwd = tempDir('prom');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        join(ROOT, 'resources/pipelines/live-room.json'),
        '--duration',
        '20',
        '--metrics-port',
        String(port),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    try {
      await until(() => out.includes('Prometheus metrics:'), 15_000, 'the exporter to say where it serves');
      expect(out).toContain(`Prometheus metrics: http://127.0.0.1:${port}/metrics`);
      const room = { pipeline: 'Live room', node: 'room', type: 'live-room' };
      const roomOut = (m: Awaited<ReturnType<typeof scrape>>) => value(m.get('sluice_node_records_out_total'), room);
      // Scraped once the room and the camera run, then again once 2000 more events went out.
      let first = await scrape(port);
      await until(
        async () =>
          roomOut((first = await scrape(port))) > 0 && value(first.get('sluice_media_fps'), { node: 'camera' }) > 10,
        20_000,
        'the demo running',
      );
      const t1 = Date.now();
      let second = first;
      await until(async () => roomOut((second = await scrape(port))) > roomOut(first) + 2000, 20_000, 'more events');
      const rate = (roomOut(second) - roomOut(first)) / ((Date.now() - t1) / 1000);

      const recordsOut = second.get('sluice_node_records_out_total')!;
      expect(recordsOut.type).toBe('COUNTER');
      expect(value(second.get('sluice_node_records_out_total'), room)).toBeGreaterThan(
        value(first.get('sluice_node_records_out_total'), room),
      );
      // About 4000 events a second.
      expect(rate).toBeGreaterThan(2000);
      expect(value(second.get('sluice_node_state'), { node: 'coins-per-second', state: 'running' })).toBe(1);
      // The camera branch: its encoder's frames per second.
      expect(value(second.get('sluice_media_fps'), { node: 'camera' })).toBeGreaterThan(10);
      expect(value(second.get('sluice_node_state'), { node: 'coins-per-second', state: 'error' })).toBe(0);
      // Every node of the demo is there, and every wire.
      expect(new Set(recordsOut.metrics.map((m) => m.labels!.node)).size).toBe(22);
      const capacity = second.get('sluice_edge_queue_capacity_records')!;
      expect(value(capacity, { edge: 'e4', from: 'room.out', to: 'events.in' })).toBe(1000);
      expect(capacity.metrics).toHaveLength(19);
      expect(second.get('sluice_edge_backpressure_ratio')!.type).toBe('GAUGE');
      expect(second.get('sluice_process_resident_memory_bytes')).toBeDefined();
      // Event time: the Kafka source's partitions (idle or not: they hold the watermark back only while active).
      await vi.waitFor(
        async () => {
          const idle = (await scrape(port))
            .get('sluice_kafka_partition_idle')!
            .metrics.filter((m) => m.labels!.node === 'read' && m.labels!.topic === 'room-events');
          expect(idle.map((m) => m.labels!.partition).sort()).toEqual(['0', '1', '2', '3']);
          expect(idle.every((m) => m.value === '0' || m.value === '1')).toBe(true);
        },
        { timeout: 10_000, interval: 250 },
      );
      const watermark = await vi.waitFor(
        async () => {
          const w = value((await scrape(port)).get('sluice_watermark_seconds'), { node: 'coins-per-second' });
          expect(w).toBeGreaterThan(0);
          return w;
        },
        { timeout: 10_000, interval: 250 },
      );
      // The demo's events are made now: the window's watermark is seconds behind the wall clock, not minutes.
      expect(Date.now() / 1000 - watermark).toBeLessThan(30);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

      // A second run on the same port says so and exits 1.
      const busy = spawn(
        process.execPath,
        [
          BIN,
          'run',
          join(ROOT, 'resources/pipelines/live-room.json'),
          '--duration',
          '1',
          '--metrics-port',
          String(port),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], cwd },
      );
      let err = '';
      busy.stderr.on('data', (d: Buffer) => (err += String(d)));
      const code = await new Promise<number | null>((r) => busy.once('exit', r));
      expect(code).toBe(1);
      expect(err).toContain(`--metrics-port ${port}: the port is in use`);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
