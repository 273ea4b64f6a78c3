/**
 * `sluice`: validate, test, diff, plan and run pipelines from the command line, with the same engine as the studio.
 * Exit codes: 0 done (valid, passed, the same), 1 the pipeline's own problems (invalid, a test failed, a run that
 * failed), 2 usage or unreadable input (a missing file, a folder, an unknown option or environment).
 */
import { Command, Option } from 'commander';
import { portNumber, seconds } from './options';
import { InputError, parameterOptions } from './load';
import { flinkCommands } from './flink';
import { validateCommand } from './commands/validate';
import { planCommand } from './commands/plan';
import { runCommand } from './commands/run';
import { testCommand } from './commands/test';
import { diffCommand } from './commands/diff';
import { devicesCommand, encodersCommand, nodesCommand } from './commands/info';

// A closed pipe (`sluice nodes | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('sluice').description('Build, run and watch live stream pipelines.').showHelpAfterError();
const exit = (code: number) => {
  process.exitCode = code;
};
parameterOptions(
  program
    .command('validate <file>')
    .description('check a pipeline file: exit 0 when valid, 1 with every problem at its line, 2 when it cannot be read')
    .option('--json', 'print the result as JSON (also when the file cannot be read)'),
).action(async (file: string, opts) => exit(await validateCommand(file, opts)));
parameterOptions(
  program
    .command('plan <file>')
    .description(
      'show where each node runs (in-process, ffmpeg per media group) and why; exit 1 when the file is invalid',
    )
    .option('--json', 'print the plan as JSON')
    .option('--flink', 'plan for a Flink target: the data part on Flink (and what keeps it from compiling)'),
).action(async (file: string, opts) => exit(await planCommand(file, opts)));
parameterOptions(
  program
    .command('run <file>')
    .description('run a pipeline headless, printing a summary each second; SIGINT/SIGTERM stop it cleanly (exit 0)')
    .option('--duration <seconds>', 'stop after this many seconds', seconds)
    .option('--metrics <out.ndjson>', 'write every metrics tick as a line of JSON')
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics at http://127.0.0.1:<port>/metrics (0: a free port)',
      portNumber,
    )
    .option(
      '--metrics-host <address>',
      'the address to serve them on (default 127.0.0.1; 0.0.0.0 for a scraper elsewhere)',
    )
    // Retired (the home-made scale-out): said in words rather than "unknown option".
    .addOption(new Option('--worker').hideHelp())
    .addOption(new Option('--ingest').hideHelp()),
).action(async (file: string, opts) => {
  let code: number;
  try {
    code = await runCommand(file, opts);
  } catch (err) {
    code = failed(err);
  }
  // The run is over: leave now, whatever a client library still keeps going (a Kafka client whose brokers are
  // gone retries without end), once what was written has reached stdout and stderr.
  await new Promise<void>((r) => process.stdout.write('', () => process.stderr.write('', () => r())));
  process.exit(code);
});
parameterOptions(
  program
    .command('test <file> [fixtures...]')
    .description(
      'run a pipeline against fixtures (input records per source, expected records per sink; those beside it when none is named): exit 0 when all pass, 1 with a diff when one fails',
    )
    .option('--update', 'write what the sinks received as the fixtures’ expectations')
    .option('--junit <out.xml>', 'write the results as JUnit XML')
    .option('--json', 'print the results as JSON')
    .option('--timeout <seconds>', 'give up on a fixture whose run has not ended by then (default 30)', seconds),
).action(async (file: string, fixtures: string[], opts) => exit(await testCommand(file, fixtures, opts)));
program
  .command('diff <a> <b>')
  .description(
    'list the nodes and wires added, removed and changed from pipeline file a to b, with the config fields that changed; exit 0 when the same, 1 when they differ',
  )
  .option('--json', 'print the differences as JSON')
  .action(async (a: string, b: string, opts) => exit(await diffCommand(a, b, opts)));
program
  .command('nodes')
  .description('list the node types with their ports and config fields')
  .option('--json', 'print as JSON')
  .action(async (opts) => exit(await nodesCommand(opts)));
program
  .command('encoders')
  .description(
    'probe the H.264/H.265 encoders ffmpeg offers here (GPU first, then software) and say why each that fails does',
  )
  .option('--json', 'print the probe, and what each device setting picks, as JSON')
  .option('--refresh', 'probe again instead of using the cached result')
  .action(async (opts) => exit(await encodersCommand(opts)));
program
  .command('devices')
  .description('list the capture devices of this machine: cameras (V4L2), X displays, microphones (ALSA)')
  .option('--json', 'print them as JSON')
  .action(async (opts: { json?: boolean }) => exit(await devicesCommand(opts)));

flinkCommands(program, exit);

/** What went wrong outside the pipeline (an unreadable file, an environment not there, anything unforeseen): exit 2. */
function failed(err: unknown): number {
  process.stderr.write(`sluice: ${err instanceof Error ? err.message : String(err)}\n`);
  if (!(err instanceof InputError) && process.env.SLUICE_DEBUG && err instanceof Error)
    process.stderr.write(`${err.stack}\n`);
  return 2;
}

program.parseAsync().catch((err: unknown) => {
  process.exitCode = failed(err);
});
