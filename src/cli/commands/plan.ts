/** `sluice plan`: where each node runs and why; exit 1 (with every problem) when the file is not a valid pipeline. */
import { describePlan, EXECUTORS, planPipeline, withFlink } from '../../engine/plan/plan';
import { flinkExecutor } from '../../engine/flink/executor';
import { planText } from '../plan';
import { loadValid, refusal, type ParameterOptions } from '../load';

export async function planCommand(
  file: string,
  opts: { json?: boolean; flink?: boolean } & ParameterOptions,
): Promise<number> {
  const loaded = await loadValid(file, 'no plan', opts);
  if (!loaded) return 1;
  const executors = opts.flink ? withFlink(flinkExecutor) : EXECUTORS;
  const planned = planPipeline(loaded.pipeline, executors);
  const plan = describePlan(planned, loaded.pipeline, executors);
  process.stdout.write(opts.json ? JSON.stringify(plan, null, 2) + '\n' : planText(plan));
  if (opts.flink && planned.problems.length) {
    const issues = planned.problems.map((p) => ({
      code: 'config' as const,
      pointer: `/nodes/${loaded.doc.nodes.findIndex((n) => n.id === p.nodeId)}`,
      nodeId: p.nodeId,
      message: p.message,
    }));
    process.stderr.write(`${refusal(file, loaded.text, issues, 'a Flink job')}\n`);
    return 1;
  }
  return 0;
}
