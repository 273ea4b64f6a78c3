/** Write the published JSON Schema of pipeline documents, generated from the node specs. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineJsonSchema } from '../src/engine/document/schema';
import { builtinRegistry } from '../src/engine/nodes/registry';

const out = join(import.meta.dirname, '..', 'resources', 'schema', 'pipeline.v1.json');
writeFileSync(out, JSON.stringify(pipelineJsonSchema(builtinRegistry.all()), null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
