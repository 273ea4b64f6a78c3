/**
 * The archive sink to a local folder: files appear with the right names and content after each roll, records are
 * acknowledged only once their file is renamed. Against a real HDFS it is tested in hdfs.integration.test.ts; here the
 * WebHDFS protocol test double (test/support) stays only for faults a real HDFS cannot be made to show on demand — an
 * append stored but its reply lost, half an append stored, an answer that comes after the client gave up, a rename
 * done but unanswered — which must be recovered without a line lost or doubled.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import webhdfs from 'webhdfs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateValue } from '../src/engine/validate/validate';
import { WebHdfsTestDouble } from './support/webhdfs-test-double';
import { reference, startFlow, wired, videoToArchive, tempDir, until } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

const START = 1_800_000_000_000; // 2027-01-15T08:00:00Z
/** One event a second of event time: 8000 events span three hours (08, 09, 10). */
const ROOM = { seed: 11, limit: 8000, rate: 1, paced: false, startTime: START, batchSize: 500 };

const tmp = () => tempDir('archive');

/** All files under a folder, as paths relative to it. */
function walk(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(root, join(dir, e.name)) : [join(dir, e.name)],
  );
}

const archiveDoc = (config: Record<string, unknown>, room: Record<string, unknown> = ROOM) =>
  wired(
    'archive',
    [
      { id: 'room', type: 'live-room', config: room },
      { id: 'archive', type: 'archive', config },
    ],
    ['room.out>archive.in'],
  );

describe('archive to a local folder', () => {
  it('rolls by record count into event-time folders; every file complete, named in order, no temporary file left', async () => {
    const dir = tmp();
    const { flow, errors } = await startFlow(archiveDoc({ target: `file://${dir}`, rollRecords: 1000 }));
    await flow.done;
    expect(errors).toEqual([]);
    const files = walk(dir).sort();
    // 08:00–08:59:59 is 3600 events: 1000, 1000, 1000, 600; 09:xx the same; 10:xx holds the last 800.
    expect(files.map((f) => f.replace(/part-\d{8}T\d{6}Z-[0-9a-f]{4}-/, 'part-'))).toEqual([
      '2027/01/15/08/part-00001.jsonl',
      '2027/01/15/08/part-00002.jsonl',
      '2027/01/15/08/part-00003.jsonl',
      '2027/01/15/08/part-00004.jsonl',
      '2027/01/15/09/part-00005.jsonl',
      '2027/01/15/09/part-00006.jsonl',
      '2027/01/15/09/part-00007.jsonl',
      '2027/01/15/09/part-00008.jsonl',
      '2027/01/15/10/part-00009.jsonl',
    ]);
    const lines = files.map((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1));
    expect(lines.map((l) => l.length)).toEqual([1000, 1000, 1000, 600, 1000, 1000, 1000, 600, 800]);
    expect(lines.flat()).toEqual(reference(ROOM));
    for (const [i, f] of files.entries()) {
      const hour = Number(f.split('/')[3]);
      for (const l of lines[i]!) expect(new Date((JSON.parse(l) as { ts: number }).ts).getUTCHours()).toBe(hour);
    }
  });

  it('rolls by size: each file is closed at the first write past rollBytes', async () => {
    const dir = tmp();
    const room = { ...ROOM, limit: 5000, rate: 1000 };
    const { flow, errors } = await startFlow(
      archiveDoc({ target: dir, path: '', rollBytes: 100_000, flushBytes: 10_000 }, room),
    );
    await flow.done;
    expect(errors).toEqual([]);
    const files = walk(dir).sort();
    const sizes = files.map((f) => readFileSync(join(dir, f)).length);
    expect(files.length).toBeGreaterThanOrEqual(4);
    // Every file but the last past the limit by less than one chunk (a flush of 10 kB plus the line that tipped it).
    for (const n of sizes.slice(0, -1)) {
      expect(n).toBeGreaterThanOrEqual(100_000);
      expect(n).toBeLessThan(100_000 + 10_000 + 200);
    }
    expect(files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1))).toEqual(reference(room));
  });

  it('gzip: files are .jsonl.gz and decompress to the same lines', async () => {
    const dir = tmp();
    const room = { ...ROOM, limit: 3000, rate: 1000 };
    const { flow, errors } = await startFlow(
      archiveDoc({ target: `file://${dir}`, path: 'chat', gzip: true, rollRecords: 1200, flushBytes: 20_000 }, room),
    );
    await flow.done;
    expect(errors).toEqual([]);
    const files = walk(dir).sort();
    expect(files).toHaveLength(3);
    for (const f of files) expect(f).toMatch(/^chat\/part-.*\.jsonl\.gz$/);
    const lines = files.flatMap((f) =>
      gunzipSync(readFileSync(join(dir, f)))
        .toString()
        .split('\n')
        .slice(0, -1),
    );
    expect(lines).toEqual(reference(room));
  });

  it('acknowledges records only once their file is renamed', async () => {
    const dir = tmp();
    const room = { ...ROOM, limit: 0, rate: 2000, paced: true };
    const { flow, ticks } = await startFlow(
      archiveDoc({ target: `file://${dir}`, path: '', rollIntervalMs: 1500, flushBytes: 1000 }, room),
      100,
    );
    const inProgress = () => walk(dir).filter((f) => f.startsWith('.'));
    const tempLines = () => readFileSync(join(dir, inProgress()[0]!), 'utf8').split('\n').length;
    await until(
      () => (ticks.at(-1)?.nodes.room?.recordsOut ?? 0) > 500 && inProgress().length === 1 && tempLines() > 100,
      10_000,
      'records written to the temporary file',
    );
    // Written to the temporary file (flushed in 1 kB chunks) but not acknowledged: the file has not rolled.
    const before = ticks.at(-1)!.nodes.room!;
    expect(before.recordsOut).toBeGreaterThan(500);
    expect(before.acknowledged).toBe(0);
    const temp = walk(dir);
    expect(temp).toHaveLength(1);
    expect(temp[0]).toMatch(/^\.part-.*\.jsonl\.inprogress$/);
    expect(readFileSync(join(dir, temp[0]!), 'utf8').split('\n').length).toBeGreaterThan(100);
    // It rolls after 1.5 s: renamed, and then its records are acknowledged.
    await until(() => (ticks.at(-1)?.nodes.room?.acknowledged ?? 0) > 0, 10_000, 'the first file rolled');
    const after = ticks.at(-1)!.nodes.room!;
    expect(after.acknowledged).toBeGreaterThan(0);
    const done = walk(dir).filter((f) => !f.startsWith('.'));
    expect(done).toHaveLength(1);
    expect(after.acknowledged).toBe(readFileSync(join(dir, done[0]!), 'utf8').split('\n').length - 1);
    await flow.stop();
    const final = ticks.at(-1)!.nodes.room!;
    expect(final.acknowledged).toBe(final.recordsOut);
    expect(walk(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('archives a packager’s fMP4 as files that each start with the init segment and play alone', async () => {
    const dir = tmp();
    const d = videoToArchive('video archive', dir, 120);
    const { flow, errors } = await startFlow(d);
    await flow.done;
    expect(errors).toEqual([]);
    const files = walk(dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(3);
    let frames = 0;
    for (const f of files) {
      expect(f).toMatch(/^video\/part-.*\.mp4$/);
      const out = execFileSync('ffprobe', [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=codec_name,nb_read_frames',
        '-of',
        'csv=p=0',
        join(dir, f),
      ])
        .toString()
        .trim();
      const [codec, n] = out.split(',');
      expect(codec).toBe('h264');
      frames += Number(n);
    }
    expect(frames).toBe(120);
  }, 60_000);

  it('names the problem in a bad config', () => {
    const r = validateValue(archiveDoc({ target: 'ftp://host/x', path: '{yyyy}/{week}' }), builtinRegistry);
    const messages = r.issues.map((i) => `${i.pointer} ${i.message}`).join('\n');
    expect(messages).toMatch(/target.*scheme "ftp:".*webhdfs:\/\/host:port\/path/);
    expect(messages).toMatch(/path.*unknown placeholder \{week\}/);
  });
});

describe('archive to WebHDFS: faults a real HDFS cannot show on demand (protocol test double)', () => {
  let hdfs: WebHdfsTestDouble;
  beforeEach(async () => {
    hdfs = await new WebHdfsTestDouble().start();
  });
  afterEach(async () => {
    await hdfs.stop();
  });

  const lines = (paths: string[]) => paths.flatMap((p) => hdfs.read(p)!.toString().split('\n').slice(0, -1));
  const finalFiles = (dir: string) =>
    hdfs
      .list(dir)
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((n) => `${dir}/${n}`);

  it('the double speaks WebHDFS as the webhdfs package expects: every operation, and RemoteException errors', async () => {
    const c = webhdfs.createClient({ host: '127.0.0.1', port: hdfs.port, path: '/webhdfs/v1', user: 'tester' });
    const call = <T>(f: (cb: (e: Error | null | undefined, v?: T) => void) => void) =>
      new Promise<T>((res, rej) => f((e, v) => (e ? rej(e) : res(v as T))));
    await call((cb) => c.mkdir('/a/b', null, cb));
    await call((cb) => c.writeFile('/a/b/f.txt', Buffer.from('hello '), false, {}, cb));
    await call((cb) => c.writeFile('/a/b/f.txt', Buffer.from('world'), true, {}, cb));
    expect((await call<Buffer>((cb) => c.readFile('/a/b/f.txt', cb))).toString()).toBe('hello world');
    expect(await call<{ length: number; type: string }>((cb) => c.stat('/a/b/f.txt', cb))).toMatchObject({
      length: 11,
      type: 'FILE',
    });
    await call((cb) => c.rename('/a/b/f.txt', '/a/g.txt', cb));
    expect(
      (await call<{ pathSuffix: string; type: string }[]>((cb) => c.readdir('/a', cb))).map((s) => [
        s.pathSuffix,
        s.type,
      ]),
    ).toEqual([
      ['b', 'DIRECTORY'],
      ['g.txt', 'FILE'],
    ]);
    await call((cb) => c.unlink('/a/g.txt', false, cb));
    expect(hdfs.read('/a/g.txt')).toBeUndefined();
    await expect(call((cb) => c.stat('/a/g.txt', cb))).rejects.toThrow('File does not exist: /a/g.txt');
    await expect(call((cb) => c.writeFile('/nowhere.txt', Buffer.from('x'), true, {}, cb))).rejects.toThrow(
      'File does not exist: /nowhere.txt',
    );
    expect(hdfs.log).toContain('CREATE /a/b/f.txt (datanode)');
    expect(hdfs.log).toContain('APPEND /a/b/f.txt (datanode)');
  });

  it('injected faults (500s, dropped connections, a partial append, a lost DataNode pipeline, slow answers) are shown and recovered: no line lost or doubled', async () => {
    hdfs.inject({ op: 'CREATE', kind: '500' });
    hdfs.inject({ op: 'APPEND', kind: '500', times: 2 });
    hdfs.inject({ op: 'APPEND', kind: 'drop-after' }); // done, answer lost: must not be sent again
    hdfs.inject({ op: 'APPEND', kind: 'partial' }); // half stored, then the connection drops: cut back, sent again
    hdfs.inject({ op: 'APPEND', kind: 'drop-before' });
    hdfs.inject({ op: 'APPEND', kind: 'pipeline-lost' }); // half stored, 403 "All datanodes … are bad": retried
    hdfs.inject({ op: 'APPEND', kind: 'slow', delayMs: 1500 }); // answered after the client gave up
    hdfs.inject({ op: 'RENAME', kind: 'drop-after' }); // renamed, answer lost: must not count as a failure
    hdfs.inject({ op: 'RENAME', kind: '500' });
    hdfs.inject({ op: 'GETFILESTATUS', kind: 'drop-before' });
    const room = { ...ROOM, limit: 6000, rate: 1000 };
    const { flow, errors, ticks } = await startFlow(
      archiveDoc(
        { target: `${hdfs.url}/faults`, path: '', rollRecords: 1000, flushBytes: 20_000, timeoutMs: 500 },
        room,
      ),
      100,
    );
    await flow.done;
    expect(hdfs.faultsLeft).toBe(0);
    const files = finalFiles('/faults');
    expect(files).toHaveLength(6);
    expect(lines(files)).toEqual(reference(room));
    expect(hdfs.list('/faults').filter((n) => n.startsWith('.'))).toEqual([]);
    // Each fault was shown on the node with what went wrong, and the node came back to running.
    const shown = errors.filter((e) => e.nodeId === 'archive').map((e) => e.message);
    expect(shown.some((m) => /WebHDFS APPEND .*IOException: injected fault.*HTTP 500.*trying again/.test(m))).toBe(
      true,
    );
    expect(shown.some((m) => /WebHDFS CREATE .*HTTP 500/.test(m))).toBe(true);
    expect(shown.some((m) => /WebHDFS APPEND .*(socket hang up|ECONNRESET)/.test(m))).toBe(true);
    expect(shown.some((m) => /WebHDFS APPEND .*(ETIMEDOUT|ESOCKETTIMEDOUT)/.test(m))).toBe(true);
    expect(shown.some((m) => /WebHDFS RENAME /.test(m))).toBe(true);
    expect(shown.some((m) => /WebHDFS APPEND .*All datanodes .* are bad.*HTTP 403.*trying again/.test(m))).toBe(true);
    expect(ticks.at(-1)!.nodes.archive!.state).not.toBe('error');
    // The partial append was cut back with TRUNCATE rather than left in the file.
    expect(hdfs.log.some((l) => l.startsWith('TRUNCATE '))).toBe(true);
  }, 60_000);
});
