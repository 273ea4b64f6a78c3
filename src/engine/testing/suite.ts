/** The fixtures of a pipeline file, run one after another against a document (the file's, or the studio's edits). */
import type { FixtureResult } from '../../shared/testing';
import type { NodeRegistry } from '../contract/registry';
import type { ParameterSupply } from '../params/resolve';
import { FixtureError, fixturesBeside, loadFixture } from './fixture';
import { failedFixture, runFixture } from './harness';

export async function runSuite(
  pipelineFile: string,
  docValue: unknown,
  options: { registry: NodeRegistry; supply: ParameterSupply; fixtures?: string[]; timeoutMs?: number },
): Promise<FixtureResult[]> {
  const results: FixtureResult[] = [];
  for (const file of options.fixtures ?? fixturesBeside(pipelineFile)) {
    try {
      const fixture = await loadFixture(file, pipelineFile);
      results.push(await runFixture(docValue, fixture, { ...options, pipelineFile }));
    } catch (err) {
      if (!(err instanceof FixtureError)) throw err;
      results.push(failedFixture(file, file, err.message));
    }
  }
  return results;
}
