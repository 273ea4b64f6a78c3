/** JUnit XML of fixture results, as CI servers read it: one testsuite per pipeline, one testcase per fixture. */
import { describeFailure, type FixtureResult } from '../../shared/testing';

const escape = (s: string): string =>
  s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // XML 1.0 has no place for most control characters.
    .replace(/[^\t\n\r\u0020-\uffff]/g, '');

export function junitXml(suites: { pipeline: string; results: FixtureResult[] }[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.results);
  const failures = (rs: FixtureResult[]) => rs.filter((r) => !r.ok && !r.error).length;
  const errors = (rs: FixtureResult[]) => rs.filter((r) => r.error).length;
  const time = (rs: FixtureResult[]) => (rs.reduce((t, r) => t + r.durationMs, 0) / 1000).toFixed(3);
  out.push(
    `<testsuites name="sluice test" tests="${all.length}" failures="${failures(all)}" errors="${errors(all)}" time="${time(all)}">`,
  );
  for (const s of suites) {
    out.push(
      `  <testsuite name="${escape(s.pipeline)}" tests="${s.results.length}" failures="${failures(s.results)}" errors="${errors(s.results)}" time="${time(s.results)}">`,
    );
    for (const r of s.results) {
      const head = `    <testcase classname="${escape(s.pipeline)}" name="${escape(r.name)}" file="${escape(r.file)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.ok) {
        out.push(`${head}/>`);
        continue;
      }
      const body = escape(describeFailure(r).join('\n'));
      const tag = r.error ? 'error' : 'failure';
      const message = r.error
        ? r.error.split('\n')[0]!
        : `${r.sinks
            .filter((c) => !c.ok)
            .map((c) => `sink "${c.nodeId}"`)
            .join(', ')} received other records than expected`;
      out.push(`${head}>`, `      <${tag} message="${escape(message)}">${body}</${tag}>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
