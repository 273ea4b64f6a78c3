/**
 * `sluice test <pipeline> [fixtures…]`: run the pipeline in-process against each fixture (those beside it when none
 * is named) and compare what each sink received with what the fixture expects. Exit 0 when every fixture passes, 1
 * when one fails (its differences printed), 2 when the pipeline or a fixture cannot be read. `--update` writes what
 * the sinks received as the expectations; `--junit` writes JUnit XML for CI.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseJsonWithLocations, JsonSyntaxError } from '../../engine/document/json-source';
import { builtinRegistry } from '../../engine/nodes/registry';
import {
  FixtureError,
  FixtureUnreadable,
  fixturesBeside,
  loadFixture,
  type LoadedFixture,
} from '../../engine/testing/fixture';
import { failedFixture, runFixture } from '../../engine/testing/harness';
import { junitXml } from '../../engine/testing/junit';
import { describeFailure, type FixtureResult } from '../../shared/testing';
import { InputError, readText, supplyFor, type ParameterOptions } from '../load';

export interface TestOptions extends ParameterOptions {
  update?: boolean;
  junit?: string;
  json?: boolean;
  timeout?: number;
}

/** A fixture as text: its records one per line, so that a change of expectations reads as a diff of records. */
export function fixtureText(raw: Record<string, unknown>): string {
  const records = (group: unknown): string =>
    `{\n${Object.entries(group as Record<string, unknown[]>)
      .map(
        ([id, rs]) =>
          `    ${JSON.stringify(id)}: [${rs.length ? `\n${rs.map((r) => `      ${JSON.stringify(r)}`).join(',\n')}\n    ` : ''}]`,
      )
      .join(',\n')}\n  }`;
  const body = Object.entries(raw).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${k === 'inputs' || k === 'expect' ? records(v) : JSON.stringify(v)}`,
  );
  return `{\n${body.join(',\n')}\n}\n`;
}

/** Write what the sinks received as the fixture's expectations (the sinks it checks; all of them when none). */
async function update(fixture: LoadedFixture, result: FixtureResult): Promise<string> {
  const raw = JSON.parse(await readFile(fixture.file, 'utf8')) as Record<string, unknown>;
  const checked = Object.keys(fixture.fixture.expect);
  const sinks = checked.length ? checked : Object.keys(result.received);
  raw.expect = Object.fromEntries(sinks.map((id) => [id, result.received[id] ?? []]));
  await writeFile(fixture.file, fixtureText(raw));
  return `${fixture.file}: expectations written for ${sinks.map((id) => `"${id}" (${result.received[id]?.length ?? 0} record(s))`).join(', ')}`;
}

export async function testCommand(file: string, named: string[], opts: TestOptions): Promise<number> {
  const text = await readText(file);
  let docValue: unknown;
  try {
    docValue = parseJsonWithLocations(text).value;
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    process.stderr.write(`${file}:${err.line}:${err.column} ${err.message}\n${file}: not tested\n`);
    return 1;
  }
  const supply = supplyFor(file, opts);
  const files = named.length ? named : fixturesBeside(file);
  if (!files.length)
    throw new InputError(
      `no fixtures for ${file}: name them, or put them beside it as ${file.replace(/\.json$/i, '')}.fixture.json or ${file.replace(/\.json$/i, '')}.<name>.fixture.json (README: Pipelines as code)`,
    );
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(line + '\n');
  say(`${file}${opts.env ? ` (environment "${opts.env}")` : ''}: ${files.length} fixture(s)`);
  const results: FixtureResult[] = [];
  for (const f of files) {
    let fixture: LoadedFixture;
    try {
      fixture = await loadFixture(f, file);
    } catch (err) {
      if (!(err instanceof FixtureError)) throw err;
      if (err instanceof FixtureUnreadable) throw new InputError(err.message);
      const r = failedFixture(f, f, err.message);
      results.push(r);
      say(`  ✗ ${f}\n${describeFailure(r).join('\n')}`);
      continue;
    }
    const r = await runFixture(docValue, fixture, {
      registry: builtinRegistry,
      supply,
      pipelineFile: file,
      timeoutMs: opts.timeout ? opts.timeout * 1000 : undefined,
    });
    results.push(r);
    if (opts.update && !r.error) {
      say(`  ↻ ${r.name}: ${await update(fixture, r)}`);
      continue;
    }
    say(
      `  ${r.ok ? '✓' : '✗'} ${r.name}${fixture.fixture.description ? ` — ${fixture.fixture.description}` : ''} (${r.durationMs} ms)`,
    );
    if (!r.ok) say(describeFailure(r).join('\n'));
    for (const n of r.notes) say(`    note: ${n}`);
  }
  if (opts.junit) await writeFile(opts.junit, junitXml([{ pipeline: file, results }]));
  if (opts.json) process.stdout.write(JSON.stringify({ file, results }, null, 2) + '\n');
  const failed = results.filter((r) => !r.ok && !(opts.update && !r.error));
  say(
    opts.update
      ? `${results.length - failed.length} fixture(s) updated${failed.length ? `, ${failed.length} could not run` : ''}`
      : `${results.length} fixture(s): ${results.length - failed.length} passed, ${failed.length} failed`,
  );
  return failed.length ? 1 : 0;
}
