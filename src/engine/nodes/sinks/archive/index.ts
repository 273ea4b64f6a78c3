/**
 * `archive` sink: the room's events (and its video) kept as files, on HDFS over WebHDFS or in a local folder, in
 * folders named from each record's event time. A file is written under a hidden temporary name and renamed when it
 * rolls (by size, record count or age), so a reader listing the folder never sees a partial file under its final
 * name; a record is acknowledged only once the file holding it has been renamed. Target faults are retried with
 * backoff and shown on the node; a refusal (no permission, a name taken) stops the node with the server's words.
 */
import { defineNode } from '../../../contract/spec';
import { parseTarget } from '../../../connectors/hdfs/targets';
import { archiveConfig, PLACEHOLDERS } from './config';
import { ArchiveSink } from './sink';

export { folderFor } from './config';

export default defineNode({
  type: 'archive',
  category: 'sinks',
  title: 'Archive',
  description:
    'Keeps records as JSON lines (optionally gzip) and bytes (video fragments) as files on HDFS (WebHDFS) or a local folder, in folders by event time; files roll by size, count or age and appear under their final name only when complete.',
  inputs: [
    { name: 'in', type: 'record', description: 'Records, one line of JSON each.' },
    {
      name: 'bytes',
      type: 'bytes',
      description: 'Bytes as they come, e.g. a packager’s fMP4 or MPEG-TS (each file starts with the init segment).',
    },
  ],
  outputs: [],
  config: archiveConfig,
  lint(cfg, report) {
    for (const m of cfg.path.matchAll(/\{([^}]*)\}/g)) {
      if (!(m[1]! in PLACEHOLDERS))
        report('path', `unknown placeholder {${m[1]}}: use {yyyy}, {MM}, {dd}, {HH} or {mm}`);
    }
    if (cfg.path.split('/').includes('..')) report('path', 'must stay under the target (no "..")');
    try {
      parseTarget(cfg.target, { user: cfg.user, timeoutMs: cfg.timeoutMs });
    } catch (err) {
      report('target', (err as Error).message);
    }
  },
  create(cfg, ctx) {
    const sink = new ArchiveSink(cfg, ctx);
    return {
      open: () => sink.start(),
      process: (port, batch) => sink.process(port, batch),
      finish: () => sink.finish(),
      close: () => sink.close(),
    };
  },
});
