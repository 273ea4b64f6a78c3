/**
 * Run history: every run the studio starts keeps its metrics, one NDJSON file per run — a header line (the run and
 * its pipeline), a metrics tick a second, an end line (how it ended) — in $SLUICE_HISTORY, else
 * $XDG_STATE_HOME/sluice/runs (~/.local/state/sluice/runs). The newest `keep` runs are kept; older files are deleted
 * when a run starts. A run can be read back to be looked at again or compared with another.
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  type WriteStream,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PipelineDocument } from '../../shared/document';
import type { MetricsTick } from '../../shared/metrics';
import type { RunSummary } from '../../shared/history';

export const historyDir = (): string =>
  process.env.SLUICE_HISTORY ??
  join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'sluice', 'runs');

/** A tick is written when this long has passed since the last one written. */
const EVERY_MS = 1000;
/** A run file stops growing here (a run of days); the end line is still written. */
const MAX_BYTES = 64 * 1024 * 1024;

type Line =
  | { kind: 'run'; runId: string; pipeline: string; startedAt: number; nodes: string[]; edges: string[] }
  | { kind: 'tick'; tick: MetricsTick }
  | { kind: 'end'; stoppedAt: number; phase: string; message?: string };

const RUN_ID = /^[0-9a-f-]{36}$/;

export class RunRecorder {
  private lastAt = -Infinity;
  private bytes = 0;
  private truncated = false;
  private last: MetricsTick | undefined;

  constructor(private readonly out: WriteStream) {}

  write(line: Line): void {
    const text = JSON.stringify(line) + '\n';
    this.bytes += text.length;
    this.out.write(text);
  }

  tick(t: MetricsTick): void {
    this.last = t;
    if (t.elapsedMs - this.lastAt < EVERY_MS - 125) return;
    if (this.bytes > MAX_BYTES) {
      this.truncated = true;
      return;
    }
    this.lastAt = t.elapsedMs;
    this.write({ kind: 'tick', tick: t });
  }

  end(phase: string, message?: string): Promise<void> {
    // The last tick, whatever its time: the run's totals.
    if (this.last && this.last.elapsedMs !== this.lastAt && !this.truncated)
      this.write({ kind: 'tick', tick: this.last });
    this.write({
      kind: 'end',
      stoppedAt: Date.now(),
      phase,
      message: this.truncated ? `${message ?? ''} (metrics kept up to ${MAX_BYTES / 2 ** 20} MiB)`.trim() : message,
    });
    return new Promise((r) => this.out.end(() => r()));
  }
}

export class RunHistory {
  constructor(
    readonly dir = historyDir(),
    private readonly keep = 20,
  ) {}

  /** Start keeping a run (and delete the oldest beyond `keep`). */
  begin(runId: string, doc: PipelineDocument): RunRecorder {
    mkdirSync(this.dir, { recursive: true });
    const files = this.files();
    for (const f of files.slice(this.keep - 1)) unlinkSync(join(this.dir, f.name));
    const out = createWriteStream(join(this.dir, `${runId}.ndjson`), { mode: 0o600 });
    out.on('error', () => undefined); // a full disk must not stop the run
    const rec = new RunRecorder(out);
    rec.write({
      kind: 'run',
      runId,
      pipeline: doc.name,
      startedAt: Date.now(),
      nodes: doc.nodes.map((n) => n.id),
      edges: doc.edges.map((e) => e.id),
    });
    return rec;
  }

  /** Run files, newest first. */
  private files(): { name: string; mtime: number }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => RUN_ID.test(f.replace(/\.ndjson$/, '')) && f.endsWith('.ndjson'))
      .map((name) => ({ name, mtime: statSync(join(this.dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
  }

  private parse(runId: string): { summary: RunSummary; ticks: MetricsTick[] } {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id`);
    const path = join(this.dir, `${runId}.ndjson`);
    if (!existsSync(path)) throw new Error(`no run ${runId} in the history (${this.dir})`);
    const ticks: MetricsTick[] = [];
    let head: Extract<Line, { kind: 'run' }> | undefined;
    let end: Extract<Line, { kind: 'end' }> | undefined;
    for (const [i, text] of readFileSync(path, 'utf8').split('\n').entries()) {
      if (!text) continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        // A run cut short (the app was killed) may end in half a line: the rest is still good.
        if (i === 0) throw new Error(`${path}: line 1 is not JSON`);
        continue;
      }
      if (line.kind === 'run') head = line;
      else if (line.kind === 'tick') ticks.push(line.tick);
      else if (line.kind === 'end') end = line;
    }
    if (!head) throw new Error(`${path}: no run header on line 1`);
    const last = ticks.at(-1);
    return {
      summary: {
        runId: head.runId,
        pipeline: head.pipeline,
        startedAt: head.startedAt,
        stoppedAt: end?.stoppedAt,
        phase: end?.phase ?? 'cut short',
        message: end?.message,
        durationMs: last?.elapsedMs ?? 0,
        nodes: head.nodes,
        points: ticks.length,
      },
      ticks,
    };
  }

  /** The runs kept, newest first. */
  list(): RunSummary[] {
    const out: RunSummary[] = [];
    for (const f of this.files()) {
      try {
        out.push(this.parse(f.name.replace(/\.ndjson$/, '')).summary);
      } catch {
        // Not a run file of ours (or unreadable): not listed.
      }
    }
    return out;
  }

  /** A run's metrics, a tick a second. */
  read(runId: string): { run: RunSummary; ticks: MetricsTick[] } {
    const { summary, ticks } = this.parse(runId);
    return { run: summary, ticks };
  }
}
