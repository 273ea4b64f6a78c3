// kafkajs 2.2.4 (unmaintained since 2023) can lose acknowledged records when a broker dies during a send that spans
// several partition leaders (tulios/kafkajs#1303): sendMessages keeps one answer per broker, and on the retry the
// partitions that moved to a broker which had already answered for its own partitions are never sent again, yet the
// send resolves. This makes every retry send the whole request again: records already written may be written twice
// (at least once), none is lost. Applied by scripts/setup.sh after npm install; idempotent; fails loudly if the
// file is not the one it knows.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(import.meta.dirname, '..', 'node_modules', 'kafkajs', 'src', 'producer', 'sendMessages.js');
const before = '        const requests = await createProducerRequests(responsePerBroker)';
const marker = '// sluice: resend all on retry (tulios/kafkajs#1303)';
const after = `        ${marker}\n        responsePerBroker.clear()\n${before}`;
const text = readFileSync(file, 'utf8');
if (text.includes(marker)) process.exit(0);
if (!text.includes(before)) {
  console.error(`patch-kafkajs: ${file} is not the kafkajs 2.2.4 file this patch knows; see scripts/patch-kafkajs.mjs`);
  process.exit(1);
}
writeFileSync(file, text.replace(before, after));
console.log('patch-kafkajs: every retry of a send now sends the whole request again (tulios/kafkajs#1303)');
