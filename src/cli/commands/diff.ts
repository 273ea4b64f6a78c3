/**
 * `sluice diff <a> <b>`: nodes and wires added, removed and changed between two pipeline files, with the config
 * fields that changed. Exit 0 when they are the same, 1 when they differ (as diff(1)), 2 when one cannot be read.
 */
import { JsonSyntaxError, parseJsonWithLocations } from '../../engine/document/json-source';
import { diffDocuments, diffText } from '../../shared/diff';
import type { PipelineDocument } from '../../shared/document';
import { InputError, readText } from '../load';

async function readDocument(file: string): Promise<PipelineDocument> {
  const text = await readText(file);
  let value: unknown;
  try {
    value = parseJsonWithLocations(text).value;
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new InputError(`${file}:${err.line}:${err.column} ${err.message}`);
    throw err;
  }
  const v = value as Partial<PipelineDocument> | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.nodes) || !Array.isArray(v.edges))
    throw new InputError(`${file}: not a pipeline file (expected an object with "nodes" and "edges" arrays)`);
  return v as PipelineDocument;
}

export async function diffCommand(a: string, b: string, opts: { json?: boolean }): Promise<number> {
  const diff = diffDocuments(await readDocument(a), await readDocument(b));
  if (opts.json) process.stdout.write(JSON.stringify({ a, b, ...diff }, null, 2) + '\n');
  else process.stdout.write(`--- ${a}\n+++ ${b}\n${diffText(diff).join('\n')}\n`);
  return diff.same ? 0 : 1;
}
