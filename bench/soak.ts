/**
 * Soak: the live-room demo run headless (`sluice run resources/pipelines/live-room.json`, its camera encoded, events
 * through Kafka to windows, Redis and the archive) for 30 minutes, its resident memory, JS heap, active handles and
 * open file descriptors sampled every 10 s. Prints the samples' trend and writes a plot (PNG, drawn by Chromium) —
 * `npm run bench:soak` writes docs/soak.png.
 *
 *   node --import tsx bench/soak.ts [--minutes 30] [--every 10] [--out docs/soak.png]
 *   node --import tsx bench/soak.ts --samples <samples.ndjson>   (the trend and plot of a run already sampled)
 *
 * Each sample is appended to samples.ndjson in the run's folder as it is taken, so a run cut short keeps them.
 *
 * The embedded Kafka cluster (librdkafka's mock) is a process of its own: it is sampled and shown apart from Sluice's.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { freePort } from '../src/engine/support/net';
import { ROOT } from './studio';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const minutes = Number(arg('minutes', '30'));
const everySec = Number(arg('every', '10'));
const out = join(ROOT, arg('out', 'docs/soak.png'));

interface Sample {
  t: number;
  rssMb: number;
  heapMb: number;
  handles: number;
  fds: number;
  acknowledged: number;
  clusterRssMb: number;
}

const rssOf = (pid: number): number => {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
};
const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const commandOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
};
const metric = (text: string, name: string): number => {
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{'))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
};

const samples: Sample[] = [];
const given = arg('samples', '');
if (given) {
  samples.push(
    ...readFileSync(given, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Sample),
  );
} else {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'sluice-soak-'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'sluice.js'),
      'run',
      join(ROOT, 'resources/pipelines/live-room.json'),
      '--metrics-port',
      String(port),
    ],
    {
      cwd,
      env: { ...process.env, SLUICE_SETTINGS: join(cwd, 'settings.json') },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((r) => child.once('exit', r));
  const pid = child.pid!;
  process.on('exit', () => child.kill('SIGKILL'));
  const file = join(cwd, 'samples.ndjson');
  console.log(
    `soak: the live-room demo for ${minutes} min (pid ${pid}, metrics on :${port}, archive under ${cwd}), a sample every ${everySec} s into ${file}`,
  );
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 5000));
  while (Date.now() - started < minutes * 60_000 && child.exitCode === null) {
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // The embedded dev cluster: the real broker's JVM (KafkaMain), or the mock where Java is missing.
      const cluster = childrenOf(pid).find((c) => /KafkaMain|kafka-mock/.test(commandOf(c)));
      const s: Sample = {
        t: Math.round((Date.now() - started) / 1000),
        rssMb: rssOf(pid),
        heapMb: metric(text, 'sluice_nodejs_heap_size_used_bytes') / 2 ** 20,
        handles: metric(text, 'sluice_nodejs_active_handles_total'),
        fds: readdirSync(`/proc/${pid}/fd`).length,
        acknowledged: metric(text, 'sluice_source_acknowledged_total'),
        clusterRssMb: cluster ? rssOf(cluster) : NaN,
      };
      samples.push(s);
      appendFileSync(file, JSON.stringify(s) + '\n');
      console.log(
        `${String(s.t).padStart(5)} s  rss ${s.rssMb.toFixed(1)} MB  heap ${s.heapMb.toFixed(1)} MB  handles ${s.handles}  fds ${s.fds}  acknowledged ${s.acknowledged}  (dev Kafka cluster ${s.clusterRssMb.toFixed(0)} MB)`,
      );
    } catch (err) {
      console.log(`sample failed: ${(err as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, everySec * 1000));
  }
  if (child.exitCode !== null) console.log(`the run ended by itself (exit ${child.exitCode}) before the soak was over`);
  child.kill('SIGTERM');
  await exited;
}

/** Least-squares slope of y over t, per hour, from the samples after the first `warm` seconds. */
const slope = (key: keyof Sample, warm = 120): number => {
  const pts = samples.filter((s) => s.t >= warm);
  const n = pts.length;
  const mt = pts.reduce((a, s) => a + s.t, 0) / n;
  const my = pts.reduce((a, s) => a + s[key], 0) / n;
  const num = pts.reduce((a, s) => a + (s.t - mt) * (s[key] - my), 0);
  const den = pts.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return den ? (num / den) * 3600 : 0;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const span = Math.min(300, (minutes * 60) / 4);
const first = samples.filter((s) => s.t >= 120 && s.t < 120 + span);
const last = samples.filter((s) => s.t >= samples.at(-1)!.t - span);
const summary = (key: keyof Sample, unit: string) =>
  `${key}: ${median(first.map((s) => s[key])).toFixed(1)} → ${median(last.map((s) => s[key])).toFixed(1)} ${unit} (medians of the first and last ${Math.round(span / 60)} min after a 2-min warm-up), trend ${slope(key).toFixed(2)} ${unit}/h`;
const short = (key: keyof Sample, label: string, unit: string) =>
  `${label} ${median(first.map((s) => s[key])).toFixed(0)} → ${median(last.map((s) => s[key])).toFixed(0)}${unit} (trend ${slope(key) >= 0 ? '+' : ''}${slope(key).toFixed(1)}${unit}/h)`;
const lines = [
  summary('rssMb', 'MB'),
  summary('heapMb', 'MB'),
  summary('handles', ''),
  summary('fds', ''),
  `acknowledged: ${samples.at(-1)?.acknowledged ?? 0} records, every node downstream done with them`,
  summary('clusterRssMb', 'MB') + ' (the embedded dev Kafka cluster, a process of its own)',
];
for (const l of lines) console.log(l);

// The plot: an SVG per series group, drawn in Chromium and saved as PNG.
const W = 1100;
const H = 230;
const chart = (title: string, series: { key: keyof Sample; label: string; colour: string }[], unit: string) => {
  const max = Math.max(1, ...series.flatMap((s) => samples.map((p) => p[s.key]).filter(Number.isFinite))) * 1.15;
  const tMax = Math.max(60, samples.at(-1)?.t ?? 60);
  const x = (t: number) => 60 + (t / tMax) * (W - 80);
  const y = (v: number) => H - 30 - (v / max) * (H - 60);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<line x1="60" x2="${W - 20}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#2a3442"/><text x="54" y="${y(max * f) + 4}" text-anchor="end">${(max * f).toFixed(max > 20 ? 0 : 1)}</text>`,
    )
    .join('');
  const ticks = Array.from({ length: Math.floor(tMax / 300) + 1 }, (_, i) => i * 300)
    .map((t) => `<text x="${x(t)}" y="${H - 10}" text-anchor="middle">${t / 60} min</text>`)
    .join('');
  const lines = series
    .map(
      (s, i) =>
        `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${samples
          .filter((p) => Number.isFinite(p[s.key]))
          .map((p) => `${x(p.t).toFixed(1)},${y(p[s.key]).toFixed(1)}`)
          .join(' ')}"/><text x="${70 + i * 260}" y="18" fill="${s.colour}">— ${s.label}</text>`,
    )
    .join('');
  return `<h2>${title}</h2><svg width="${W}" height="${H}" font-size="12" fill="#9aa7b4">${grid}${ticks}${lines}<text x="12" y="${H / 2}" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${unit}</text></svg>`;
};
const html = `<!doctype html><html><body style="margin:0;padding:16px 20px;background:#0f141b;color:#d8e1ea;font:13px system-ui,sans-serif;width:${W + 40}px">
<h1 style="font-size:17px;margin:0 0 4px">Sluice soak: the live-room demo headless for ${Math.round((samples.at(-1)?.t ?? 0) / 60)} min, sampled every ${everySec} s</h1>
<div style="color:#9aa7b4">camera → h264 → Kafka; 4,000 room events/s → Kafka → windows, Redis, archive: ${(samples.at(-1)?.acknowledged ?? 0).toLocaleString('en-US')} records acknowledged. Medians of the first and last ${Math.round(span / 60)} min after a 2-min warm-up: ${short('rssMb', 'RSS', ' MB')} · ${short('heapMb', 'heap used', ' MB')} · ${short('handles', 'handles', '')} · ${short('fds', 'fds', '')}</div>
<style>h2{font-size:14px;margin:14px 0 2px}</style>
${chart(
  'Sluice process memory',
  [
    { key: 'rssMb', label: 'resident (RSS)', colour: '#5aa9ff' },
    { key: 'heapMb', label: 'JS heap used', colour: '#8fd18f' },
  ],
  'MB',
)}
${chart(
  'Sluice process handles',
  [
    { key: 'handles', label: 'active handles (Node)', colour: '#f0b35a' },
    { key: 'fds', label: 'open file descriptors', colour: '#d98cf0' },
  ],
  'count',
)}
${chart('The embedded development Kafka cluster (a process of its own: the broker’s JVM, or the mock where Java is missing)', [{ key: 'clusterRssMb', label: 'dev cluster RSS', colour: '#9aa7b4' }], 'MB')}
</body></html>`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage({ viewport: { width: W + 40, height: 900 } });
await page.setContent(html);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`plot: ${out}`);
process.exit(0);
