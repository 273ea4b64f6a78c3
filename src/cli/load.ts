/**
 * Reading a pipeline file for a command: its text, validated in the environment chosen (`--env`, `--set`), every
 * issue printed with its place. What cannot be read is an `InputError`: said in words, exit 2.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatIssue, type ValidationIssue } from '../shared/validation';
import { loadDocumentText, locateIssues, type LoadResult } from '../engine/validate/validate';
import { builtinRegistry } from '../engine/nodes/registry';
import { unreadable } from '../engine/support/unreadable';
import { commandSupply, EnvironmentNotFound } from '../engine/params/environments';
import type { ParameterSupply } from '../engine/params/resolve';

/** A file that cannot be read, an environment that is not there: a usage problem (exit 2), not the file's. */
export class InputError extends Error {}

/** Read a file, saying in words why it cannot be. */
export async function readText(file: string, what = 'pipeline file'): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(unreadable(file, err, what));
  }
}

/** The options every command that reads a pipeline takes to choose its parameters' values. */
export interface ParameterOptions {
  env?: string;
  envDir?: string;
  set?: string[];
}

export function parameterOptions(cmd: Command): Command {
  return cmd
    .option(
      '--env <name>',
      'resolve parameters in this environment (<pipeline>.<name>.json or environments/<name>.json)',
    )
    .option('--env-dir <folder>', 'the folder holding the environment files (<name>.json)')
    .option(
      '--set <name=value>',
      'a parameter value, over the environment’s (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    );
}

/** The values `--env`/`--set` give for `file`; an environment that is not there is an `InputError`. */
export function supplyFor(file: string, opts: ParameterOptions): ParameterSupply {
  try {
    return commandSupply(file, opts);
  } catch (err) {
    if (err instanceof EnvironmentNotFound) throw new InputError(err.message);
    throw err;
  }
}

/** Problems found beyond validation, each at its line, and why the file cannot run as `what`. */
export function refusal(file: string, text: string, issues: ValidationIssue[], what: string): string {
  locateIssues(text, issues);
  return [
    ...issues.map((i) => formatIssue(i, file)),
    `${file}: cannot run as ${what} (${issues.length} problem(s))`,
  ].join('\n');
}

/** Read and validate a pipeline file (in the environment chosen): its text, and what validation found. */
export async function loadFile(
  file: string,
  opts: ParameterOptions = {},
): Promise<LoadResult & { text: string; supply: ParameterSupply }> {
  const text = await readText(file);
  const supply = supplyFor(file, opts);
  return { ...loadDocumentText(text, builtinRegistry, supply), text, supply };
}

/**
 * Read and validate a pipeline file, printing every issue with its place (warnings too); undefined, after saying
 * `refusal` ("not running"), when it has problems.
 */
export async function loadValid(
  file: string,
  refusal: string,
  opts: ParameterOptions = {},
): Promise<
  (LoadResult & Required<Pick<LoadResult, 'doc' | 'pipeline'>> & { text: string; supply: ParameterSupply }) | undefined
> {
  const loaded = await loadFile(file, opts);
  for (const issue of loaded.issues) process.stderr.write(formatIssue(issue, file) + '\n');
  if (!loaded.ok || !loaded.doc || !loaded.pipeline) {
    process.stderr.write(`${file}: ${loaded.issues.length} problem(s); ${refusal}\n`);
    return undefined;
  }
  return { ...loaded, doc: loaded.doc, pipeline: loaded.pipeline };
}
