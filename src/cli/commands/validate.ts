/**
 * `sluice validate`: exit 0 when the file is valid (warnings printed), 1 with every problem at its place, 2 when
 * it cannot be read at all (a missing file, a folder, an environment that is not there). `--json` answers in JSON
 * in every case.
 */
import { formatIssue } from '../../shared/validation';
import { describePlan, planPipeline } from '../../engine/plan/plan';
import { InputError, loadFile, type ParameterOptions } from '../load';

export async function validateCommand(file: string, opts: { json?: boolean } & ParameterOptions): Promise<number> {
  let result;
  try {
    result = await loadFile(file, opts);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    if (opts.json) process.stdout.write(JSON.stringify({ file, ok: false, error: err.message }, null, 2) + '\n');
    else process.stderr.write(`sluice: ${err.message}\n`);
    return 2;
  }
  const { ok, issues, pipeline, parameters } = result;
  if (opts.json) {
    const plan = ok && pipeline ? describePlan(planPipeline(pipeline), pipeline) : undefined;
    const out = { file, ...(opts.env ? { env: opts.env } : {}), ok, issues, parameters, ...(plan ? { plan } : {}) };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return ok ? 0 : 1;
  }
  for (const issue of issues) process.stderr.write(formatIssue(issue, file) + '\n');
  const where = opts.env ? ` in environment "${opts.env}"` : '';
  if (ok) {
    const warnings = issues.length ? ` (${issues.length} warning(s))` : '';
    process.stdout.write(`${file}: valid${where}${warnings}\n`);
  } else process.stderr.write(`${file}: ${issues.length} problem(s)${where}\n`);
  return ok ? 0 : 1;
}
