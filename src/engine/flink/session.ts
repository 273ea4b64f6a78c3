/**
 * An embedded Flink session cluster: a JobManager and TaskManagers, each a JVM of its own (services/flink,
 * FlinkJobManagerMain and FlinkTaskManagerMain), all on 127.0.0.1. Unlike the `local` MiniCluster (one JVM), a
 * TaskManager here can be killed while a job runs and another one added, as on a real cluster: the exactly-once
 * tests use it. Development and tests only (no high availability).
 */
import { JvmServer } from '../connectors/jvm-server';
import { FlinkRest } from './rest';
import type { FlinkCluster } from './cluster';

export interface FlinkSessionOptions {
  /** TaskManagers started with it (default 1). */
  taskManagers?: number;
  /** Task slots of each TaskManager (default 2). */
  slots?: number;
  /** The data folder (checkpoints, savepoints); a temporary one when left out. */
  data?: string;
  /** How soon a TaskManager that stopped answering counts as lost (default 5 s: tests kill them). */
  heartbeatTimeoutMs?: number;
  /** More Flink options for every process. */
  set?: Record<string, string>;
}

export class FlinkSession {
  readonly rest: FlinkRest;
  private readonly taskManagers: JvmServer[] = [];

  private constructor(
    private readonly jobManager: JvmServer,
    private readonly options: FlinkSessionOptions,
  ) {
    this.rest = new FlinkRest(jobManager.address);
  }

  static async start(options: FlinkSessionOptions = {}): Promise<FlinkSession> {
    const jobManager = await JvmServer.start('flink-jobmanager', { data: options.data, args: setArgs(options) });
    const session = new FlinkSession(jobManager, options);
    try {
      for (let i = 0; i < (options.taskManagers ?? 1); i++) await session.addTaskManager();
    } catch (err) {
      await session.stop();
      throw err;
    }
    return session;
  }

  /** As a Flink connection profile, for deploying to it. */
  cluster(settings: { parallelism?: number; checkpointIntervalMs?: number } = {}): FlinkCluster {
    return {
      name: 'session',
      local: false,
      rest: this.rest,
      parallelism: settings.parallelism ?? 1,
      checkpointIntervalMs: settings.checkpointIntervalMs ?? 10_000,
    };
  }

  /** The TaskManagers running now, oldest first. */
  get running(): readonly JvmServer[] {
    return this.taskManagers;
  }

  /** Start one more TaskManager; resolves once the JobManager counts it. */
  async addTaskManager(): Promise<JvmServer> {
    const before = new Set(await this.taskManagerIds());
    const tm = await JvmServer.start('flink-taskmanager', {
      data: this.options.data,
      args: [
        '--jobmanager',
        this.jobManager.rpc!,
        '--slots',
        String(this.options.slots ?? 2),
        ...setArgs(this.options),
      ],
    });
    this.taskManagers.push(tm);
    const deadline = Date.now() + 60_000;
    while ((await this.taskManagerIds()).every((id) => before.has(id))) {
      if (Date.now() > deadline) throw new Error('the new TaskManager did not join the JobManager within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    return tm;
  }

  /** The TaskManagers the JobManager counts now (a killed one until its heartbeat times out). */
  async taskManagerIds(): Promise<string[]> {
    const { taskmanagers } = await this.rest.call<{ taskmanagers: { id: string }[] }>(
      'GET',
      '/taskmanagers',
      undefined,
      'listing the TaskManagers',
    );
    return taskmanagers.map((t) => t.id);
  }

  /** Kill a TaskManager (SIGKILL: no goodbye, as a machine lost); resolves once its process has ended. */
  async killTaskManager(tm: JvmServer): Promise<void> {
    this.taskManagers.splice(this.taskManagers.indexOf(tm), 1);
    process.kill(tm.pid, 'SIGKILL');
    await tm.exited;
  }

  async stop(): Promise<void> {
    await Promise.all(this.taskManagers.splice(0).map((tm) => tm.stop()));
    await this.jobManager.stop();
  }
}

function setArgs(options: FlinkSessionOptions): string[] {
  const set: Record<string, string> = {
    'heartbeat.interval': '1000',
    'heartbeat.timeout': String(options.heartbeatTimeoutMs ?? 5000),
    ...options.set,
  };
  return Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
}
