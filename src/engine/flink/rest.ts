/**
 * Flink's REST API (the JobManager's, as its web UI uses it): upload and run the job jar, list jobs, stop with a
 * savepoint, cancel, and read what a job is doing (vertices, metrics, watermarks, checkpoints, exceptions). Only
 * what Sluice uses; every failure says which call, on which cluster, and Flink's own words.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';

export interface FlinkAuth {
  /** Sent as `Authorization: Basic …` (a proxy in front of the JobManager). */
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
}

export interface JobOverview {
  jid: string;
  name: string;
  state: string;
  'start-time': number;
  'end-time': number;
  duration: number;
}

export interface JobVertex {
  id: string;
  name: string;
  parallelism: number;
  status: string;
}

export interface JobDetails {
  jid: string;
  name: string;
  state: string;
  'start-time': number;
  vertices: JobVertex[];
  plan: { nodes: { id: string; description: string; inputs?: { id: string }[] }[] };
}

export interface ExceptionEntry {
  exceptionName: string;
  stacktrace: string;
  timestamp: number;
  taskName?: string;
}

export interface CheckpointStats {
  counts: { restored: number; total: number; in_progress: number; completed: number; failed: number };
  latest: {
    completed: {
      id: number;
      end_to_end_duration: number;
      state_size: number;
      checkpointed_size?: number;
      latest_ack_timestamp: number;
    } | null;
    failed: { id: number; failure_message?: string } | null;
    restored: { id: number; external_path?: string } | null;
  };
}

/** A failed REST call: the operation, the cluster, and what Flink said. */
export class FlinkRestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const shortClass = (line: string) => line.replace(/^(?:[\w$]+\.)+([\w$]+(?:Exception|Error)\b)/, '$1').trim();
const WRAPPERS =
  /^(?:[\w$.]+\.)?(?:ExecutionException|CompletionException|FlinkException|FlinkRuntimeException|JobException|RuntimeException):/;

/**
 * The root cause of a Java stack trace, in its words: the last "Caused by:" (class without its package), after the
 * nearest cause above it that says something of its own ("Failed to get metadata for topics [x]."), if any.
 */
export function rootCause(stacktrace: string): string {
  const lines = stacktrace.split('\n');
  const caused = lines.filter((l) => l.startsWith('Caused by: ')).map((l) => l.slice('Caused by: '.length));
  const last = shortClass(caused.at(-1) ?? lines[0] ?? '');
  const lastText = last.replace(/^[\w$]+: /, '');
  for (const c of caused.slice(0, -1).reverse()) {
    const text = c.replace(/^[\w$.]+: ?/, '').trim();
    if (!text || text.includes(lastText) || /due to\s*$/.test(text)) continue;
    if (!WRAPPERS.test(c) || text.length < 200) return `${text} ← ${last}`;
  }
  return last;
}

export class FlinkRest {
  constructor(
    /** The JobManager's REST address, e.g. http://127.0.0.1:8081. */
    readonly url: string,
    private readonly auth: FlinkAuth = {},
    private readonly timeoutMs = 15_000,
  ) {
    this.url = url.replace(/\/+$/, '');
  }

  private headers(): Record<string, string> {
    if (this.auth.token) return { authorization: `Bearer ${this.auth.token}` };
    if (this.auth.username)
      return {
        authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}`,
      };
    return {};
  }

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    what = `${method} ${path}`,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: {
          ...this.headers(),
          ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.cause?.code === 'ECONNREFUSED'
          ? 'connection refused (is the JobManager running there?)'
          : e.name === 'TimeoutError'
            ? `no answer within ${timeoutMs / 1000} s`
            : (e.cause?.message ?? e.message);
      throw new FlinkRestError(`Flink at ${this.url}: ${what}: ${why}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let said = text.slice(0, 2000);
      try {
        const errors = (JSON.parse(text) as { errors?: string[] }).errors;
        if (errors?.length) said = errors.map((x) => (x.includes('\n') ? rootCause(x) : x)).join('; ');
      } catch {
        // not JSON: the text as it is
      }
      if (res.status === 401 || res.status === 403) said += ' (check the profile’s credentials)';
      throw new FlinkRestError(`Flink at ${this.url}: ${what}: HTTP ${res.status}: ${said}`, res.status);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The cluster's version and slots (GET /overview). */
  overview(): Promise<{
    'flink-version': string;
    'slots-total': number;
    'slots-available': number;
    taskmanagers: number;
  }> {
    return this.call('GET', '/overview', undefined, 'reading the cluster overview');
  }

  /** The job jar on the cluster: uploaded once per cluster (recognised by its name, which carries its digest). */
  async ensureJar(path: string, name = basename(path)): Promise<string> {
    const listed = await this.call<{ files: { id: string; name: string }[] }>(
      'GET',
      '/jars',
      undefined,
      'listing jars',
    );
    const found = listed.files.find((f) => f.name === name);
    if (found) return found.id;
    const form = new FormData();
    form.append('jarfile', new Blob([readFileSync(path)], { type: 'application/java-archive' }), name);
    const up = await this.call<{ filename: string }>(
      'POST',
      '/jars/upload',
      form,
      `uploading the job jar (${Math.round(statSync(path).size / 1024)} KiB)`,
    );
    return up.filename.split('/').at(-1)!;
  }

  /** Run the jar's main with arguments; the job id. */
  async runJar(jarId: string, args: string[], savepointPath?: string): Promise<string> {
    const body = { programArgsList: args, ...(savepointPath ? { savepointPath, allowNonRestoredState: false } : {}) };
    // The cluster plans the SQL before it answers: allow it a minute.
    const r = await this.call<{ jobid: string }>(
      'POST',
      `/jars/${jarId}/run`,
      body,
      'submitting the job',
      Math.max(this.timeoutMs, 60_000),
    );
    return r.jobid;
  }

  async jobs(): Promise<JobOverview[]> {
    return (await this.call<{ jobs: JobOverview[] }>('GET', '/jobs/overview', undefined, 'listing jobs')).jobs;
  }

  job(id: string): Promise<JobDetails> {
    return this.call('GET', `/jobs/${id}`, undefined, `reading job ${id}`);
  }

  async exceptions(id: string): Promise<ExceptionEntry[]> {
    const r = await this.call<{ exceptionHistory?: { entries: ExceptionEntry[] } }>(
      'GET',
      `/jobs/${id}/exceptions`,
      undefined,
      `reading job ${id}'s exceptions`,
    );
    return r.exceptionHistory?.entries ?? [];
  }

  checkpoints(id: string): Promise<CheckpointStats> {
    return this.call('GET', `/jobs/${id}/checkpoints`, undefined, `reading job ${id}'s checkpoints`);
  }

  /** Metrics of a vertex, summed over its subtasks (GET …/subtasks/metrics?agg=sum,max). */
  async vertexMetrics(
    job: string,
    vertex: string,
    names: string[],
  ): Promise<Record<string, { sum?: number; max?: number; min?: number }>> {
    const r = await this.call<{ id: string; sum?: number; max?: number; min?: number }[]>(
      'GET',
      `/jobs/${job}/vertices/${vertex}/subtasks/metrics?get=${names.map(encodeURIComponent).join(',')}&agg=sum,max,min`,
      undefined,
      `reading metrics of job ${job}`,
    );
    return Object.fromEntries(r.map((m) => [m.id, m]));
  }

  /** The names of the metrics a vertex's subtasks have (operator metrics are prefixed with the operator's name). */
  async vertexMetricNames(job: string, vertex: string): Promise<string[]> {
    const r = await this.call<{ id: string }[]>(
      'GET',
      `/jobs/${job}/vertices/${vertex}/subtasks/metrics`,
      undefined,
      `listing metrics of job ${job}`,
    );
    return r.map((m) => m.id);
  }

  /** Stop the job with a savepoint (drain: false); resolves to the savepoint's path once it is written. */
  async stopWithSavepoint(id: string, targetDirectory?: string, timeoutMs = 120_000): Promise<string> {
    const trigger = await this.call<{ 'request-id': string }>(
      'POST',
      `/jobs/${id}/stop`,
      { drain: false, ...(targetDirectory ? { targetDirectory } : {}) },
      `stopping job ${id} with a savepoint`,
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.call<{
        status: { id: string };
        operation?: { location?: string; 'failure-cause'?: { 'stack-trace'?: string; class?: string } };
      }>('GET', `/jobs/${id}/savepoints/${trigger['request-id']}`, undefined, `waiting for job ${id}'s savepoint`);
      if (s.status.id === 'COMPLETED') {
        if (s.operation?.location) return s.operation.location;
        const cause = s.operation?.['failure-cause'];
        throw new FlinkRestError(
          `Flink at ${this.url}: the savepoint of job ${id} failed: ${cause?.['stack-trace'] ? rootCause(cause['stack-trace']) : (cause?.class ?? 'no reason given')}`,
        );
      }
      if (Date.now() > deadline)
        throw new FlinkRestError(
          `Flink at ${this.url}: the savepoint of job ${id} was not written within ${timeoutMs / 1000} s`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Cancel the job (no savepoint). */
  async cancel(id: string): Promise<void> {
    await this.call('PATCH', `/jobs/${id}?mode=cancel`, undefined, `cancelling job ${id}`);
  }
}
