/**
 * Electronegativity (Doyensec's Electron security linter) over the desktop app — main, preload and the renderer
 * page — as SARIF, and a gate on it: the command fails when the SARIF has a finding of high severity (the tool's own
 * exit code is 0 whatever it finds). Its CLI cannot start here (it needs commander 2 and declares none), so this
 * calls its runner directly. Checks that do not apply are disabled on their line with `eng-disable`, and a reason.
 *
 *   node --import tsx scripts/electronegativity.ts [--out .tmp/electronegativity.sarif]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import runner from '@doyensec/electronegativity';
import { findPackageRoot } from '../src/engine/support/paths';

const root = findPackageRoot(import.meta.dirname);
const i = process.argv.indexOf('--out');
const out = join(root, i > 0 ? process.argv[i + 1]! : '.tmp/electronegativity.sarif');
mkdirSync(dirname(out), { recursive: true });
rmSync(out, { force: true });
const electron = (
  JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
).version;
const run = ((runner as unknown as { default?: typeof runner }).default ?? runner) as typeof runner;
// The app's own code: the main process, the preload and the studio page (the engine it hosts is plain Node).
// AvailableSecurityFixesGlobalCheck is left out: it asks GitHub for Electron's releases (no network in CI); the
// Electron version is kept current by npm audit and the lockfile instead.
const input = join(root, 'src');
const result = await run({
  input,
  output: out,
  isSarif: true,
  customScan: [],
  excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
  isRelative: true,
  electronVersionOverride: electron,
  parserPlugins: [],
});

interface SarifResult {
  ruleId: string;
  level?: string;
  message: { text: string };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[];
  properties?: Record<string, unknown>;
}
// Electronegativity's SARIF says only note/warning (manual review or not); each check's severity is in its run's
// issues. It is written into the SARIF (properties.severity, and level "error" for HIGH) and the gate reads that.
// (It writes the file without waiting for the write: read it once it is whole.)
const readSarif = async (): Promise<{ runs: { results: SarifResult[] }[] }> => {
  for (let i = 0; ; i++) {
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as { runs: { results: SarifResult[] }[] };
    } catch (err) {
      if (i > 100) throw new Error(`electronegativity wrote no SARIF to ${out}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};
const sarif = await readSarif();
const severityOf = new Map(result.issues.map((i) => [i.id, i.severity.name]));
for (const r of sarif.runs.flatMap((x) => x.results)) {
  const severity = severityOf.get(r.ruleId) ?? 'UNKNOWN';
  r.properties = { ...r.properties, severity };
  if (severity === 'HIGH') r.level = 'error';
}
writeFileSync(out, JSON.stringify(sarif, null, 2));

const results = sarif.runs.flatMap((r) => r.results);
const severity = (r: SarifResult) => String(r.properties?.severity);
const counts = new Map<string, number>();
for (const r of results) counts.set(severity(r), (counts.get(severity(r)) ?? 0) + 1);
console.log(
  `electronegativity ${'(Electron ' + electron + ')'} over ${input}: ${results.length} finding(s)${results.length ? ` — ${[...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')}` : ''}; SARIF in ${out}`,
);
for (const r of results) {
  const at = r.locations?.[0]?.physicalLocation;
  console.log(
    `  ${severity(r).padEnd(13)} ${r.ruleId}  ${at?.artifactLocation?.uri ?? ''}:${at?.region?.startLine ?? ''}  ${r.message.text.split('\n')[0]}`,
  );
}
const high = results.filter((r) => severity(r) === 'HIGH' || severity(r) === 'UNKNOWN');
if (high.length) {
  console.error(
    `electronegativity: ${high.length} high-severity (or unknown) finding(s): fix them, or say on the line why the check does not apply (eng-disable)`,
  );
  process.exit(1);
}
