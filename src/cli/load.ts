/**
 * Reading a pipeline file for a command: its text, validated, every issue printed with its place.
 */
import { readFile } from 'node:fs/promises';
import { StudioError } from '../shared/api';
import { formatIssue, type ValidationIssue } from '../shared/validation';
import { loadDocumentText, locateIssues, type LoadResult } from '../engine/validate/validate';
import { builtinRegistry } from '../engine/nodes/registry';

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new StudioError(`cannot read ${file}: ${(err as Error).message}`);
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

/**
 * Read and validate a pipeline file, printing every issue with its place (warnings too); undefined, after saying
 * `refusal` ("not running"), when it has problems.
 */
export async function loadValid(
  file: string,
  refusal: string,
): Promise<(LoadResult & Required<Pick<LoadResult, 'doc' | 'pipeline'>> & { text: string }) | undefined> {
  const text = await readText(file);
  const loaded = loadDocumentText(text, builtinRegistry);
  for (const issue of loaded.issues) process.stderr.write(formatIssue(issue, file) + '\n');
  if (!loaded.ok || !loaded.doc || !loaded.pipeline) {
    process.stderr.write(`${file}: ${loaded.issues.length} problem(s); ${refusal}\n`);
    return undefined;
  }
  return { ...loaded, doc: loaded.doc, pipeline: loaded.pipeline, text };
}
