/**
 * Fixture files: the input records of a pipeline's sources and the records its sinks are expected to receive.
 * Beside the pipeline as `<pipeline>.fixture.json` or `<pipeline>.<name>.fixture.json`:
 *
 *     {
 *       "description": "two gifts in one window",
 *       "parameters": { "windowMs": 1000 },
 *       "inputs": { "read": [{ "type": "gift", "room": "r1", "ts": 100, "coins": 5 }] },
 *       "expect": { "board": [{ "key": "r1", "coins": 5, … }] },
 *       "ordered": ["board"]
 *     }
 *
 * Event times come from the records (each source's `timeField`, else `ts`): no wall clock is involved.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { JsonSyntaxError, locate, parseJsonWithLocations, type SourceLocation } from '../document/json-source';
import { zodIssues } from '../validate/issues';
import { unreadable } from '../support/unreadable';

const fixtureSchema = z.strictObject({
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  inputs: z.record(z.string(), z.array(z.unknown())),
  expect: z.record(z.string(), z.array(z.unknown())),
  ordered: z.array(z.string()).optional(),
});

export type Fixture = z.output<typeof fixtureSchema>;

export interface LoadedFixture {
  name: string;
  file: string;
  fixture: Fixture;
  /** The place of a pointer in the fixture's file, as `file:line:column`. */
  at(pointer: string): string;
}

/** A fixture that cannot be read or has the wrong shape: the message names the file and line. */
export class FixtureError extends Error {}
/** A fixture file that cannot be read at all (missing, a folder): a usage problem, as for the pipeline file. */
export class FixtureUnreadable extends FixtureError {}

const SUFFIX = '.fixture.json';

/** The fixture's name: `gifts.fixture.json` → `gifts`, `gifts.late.fixture.json` → `late`. */
export function fixtureName(file: string, pipelineStem?: string): string {
  const base = basename(file)
    .replace(/\.fixture\.json$/i, '')
    .replace(/\.json$/i, '');
  if (pipelineStem && base.startsWith(pipelineStem + '.')) return base.slice(pipelineStem.length + 1);
  return base;
}

const stemOf = (pipeline: string): string => basename(pipeline).replace(/\.json$/i, '');

/** The fixtures beside a pipeline file: `<stem>.fixture.json` and `<stem>.<name>.fixture.json`, by name. */
export function fixturesBeside(pipeline: string): string[] {
  const dir = dirname(pipeline);
  const stem = stemOf(pipeline);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => f === stem + SUFFIX || (f.startsWith(stem + '.') && f.endsWith(SUFFIX)))
    .sort()
    .map((f) => join(dir, f));
}

export async function loadFixture(file: string, pipeline: string): Promise<LoadedFixture> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new FixtureUnreadable(unreadable(file, err, 'fixture file'));
  }
  let parsed;
  try {
    parsed = parseJsonWithLocations(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new FixtureError(`${file}:${err.line}:${err.column} ${err.message}`);
    throw err;
  }
  const where = (locations: Map<string, SourceLocation> | undefined, pointer: string): string => {
    const at = locations ? locate(locations, pointer) : undefined;
    return `${file}${at ? `:${at.line}:${at.column}` : ''} ${pointer || '/'}`;
  };
  const shape = fixtureSchema.safeParse(parsed.value);
  if (!shape.success) {
    const lines = zodIssues(shape.error, '', {}, 'config').map(
      (i) => `${where(parsed.locations, i.pointer)}: ${i.message}`,
    );
    throw new FixtureError(
      `${lines.join('\n')}\na fixture is {"inputs": {"<source>": [records]}, "expect": {"<sink>": [records]}}`,
    );
  }
  return {
    name: fixtureName(file, stemOf(pipeline)),
    file,
    fixture: shape.data,
    at: (pointer) => where(parsed.locations, pointer),
  };
}
