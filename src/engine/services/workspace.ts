/**
 * The workspace: pipeline files in a folder (and those the user chose in a system dialog), never a path outside
 * them; validation of documents against the registry; the demo.
 */
import type { EnvironmentInfo, ParameterChoice } from '../../shared/parameters';
import { supplyOf } from '../params/resolve';
import { listEnvironments, readEnvironment } from '../params/environments';
import { runSuite } from '../testing/suite';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  StudioError,
  type HostInfo,
  type OpenedPipeline,
  type StudioMethods,
  type TestRun,
  type WorkspaceFile,
  type WorkspaceListing,
} from '../../shared/api';
import { serializeDocument, type PipelineDocument } from '../../shared/document';
import type { NodeRegistry } from '../contract/registry';
import { secretStore } from '../secrets/store';
import { loadDocumentText, validateValue } from '../validate/validate';
import { describePlan, planPipeline } from '../plan/plan';

export const DEMO_PIPELINE = 'pipelines/live-room.json';

/** At most this many files are listed from a workspace. */
const MAX_LISTED = 2000;

/** The system's open and save dialogs: each resolves to the absolute path the user chose, or undefined. */
export interface FileDialogs {
  chooseOpen(defaultDir: string): Promise<string | undefined>;
  chooseSave(defaultPath: string): Promise<string | undefined>;
}

export interface WorkspaceOptions {
  registry: NodeRegistry;
  /** Folder holding `pipelines/` (the demo) and `schema/`. */
  resourcesDir: string;
  /** Where pipelines are opened from and saved to (`setWorkspace` changes it for this service). */
  workspaceDir: string;
  /** The system's file dialogs, where the host has them (the desktop app). */
  fileDialogs?: FileDialogs;
}

async function describeFile(dir: string, rel: string): Promise<WorkspaceFile> {
  const full = join(dir, rel);
  const info = await stat(full);
  let name: string | undefined;
  if (info.size < 4 * 1024 * 1024) {
    try {
      const v = JSON.parse(await readFile(full, 'utf8')) as { name?: unknown };
      if (typeof v?.name === 'string') name = v.name;
    } catch {
      // listed without a name: opening it shows what is wrong
    }
  }
  return { path: rel, name, modified: info.mtimeMs, size: info.size };
}

type WorkspaceMethods = Pick<
  StudioMethods,
  | 'listNodeTypes'
  | 'validate'
  | 'environments'
  | 'runTests'
  | 'openDemo'
  | 'openPipeline'
  | 'hostInfo'
  | 'openWithDialog'
  | 'saveWithDialog'
  | 'listPipelines'
  | 'setWorkspace'
  | 'savePipeline'
>;

export class WorkspaceService implements WorkspaceMethods {
  private workspaceDir: string;
  /** Files outside the workspace the user chose in a system dialog: only these may be opened or saved by path. */
  private readonly chosen = new Set<string>();

  constructor(private readonly options: WorkspaceOptions) {
    this.workspaceDir = options.workspaceDir;
  }

  async listNodeTypes() {
    return this.options.registry.describe();
  }

  async validate(text: string, params?: ParameterChoice) {
    const { ok, issues, pipeline, parameters } = loadDocumentText(text, this.options.registry, supplyOf(params));
    return {
      ok,
      issues,
      ...(parameters?.length ? { parameters } : {}),
      ...(ok && pipeline ? { plan: describePlan(planPipeline(pipeline), pipeline) } : {}),
    };
  }

  /** The environments beside a pipeline of the workspace (or one chosen in a dialog); none for the demo. */
  async environments(path: string): Promise<EnvironmentInfo[]> {
    if (path.startsWith('demo:')) return [];
    const full = this.inWorkspace(path);
    return listEnvironments(full).map(({ name, file }) => {
      const supply = readEnvironment(file, name);
      const values = Object.fromEntries(Object.entries(supply.values).map(([k, v]) => [k, v.value]));
      const shown = relative(dirname(full), file);
      return { name, file: shown, values, issues: supply.issues.map((i) => ({ ...i, file: shown })) };
    });
  }

  /** The fixtures beside a workspace pipeline, run against the document given (the demo has none). */
  async runTests(path: string, doc: PipelineDocument, params?: ParameterChoice): Promise<TestRun> {
    if (path.startsWith('demo:'))
      return {
        looked: 'the demo has no fixtures: save it into the workspace and put <name>.fixture.json beside it',
        results: [],
      };
    const full = this.inWorkspace(path);
    const stem = basename(full).replace(/\.json$/i, '');
    const results = await runSuite(full, doc, { registry: this.options.registry, supply: supplyOf(params) });
    return {
      looked: `${stem}.fixture.json and ${stem}.<case>.fixture.json beside ${path}`,
      results: results.map((r) => ({ ...r, file: relative(dirname(full), r.file) })),
    };
  }

  private async open(path: string, shownPath: string): Promise<OpenedPipeline> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new StudioError(`cannot open ${shownPath}: ${why}`, 'not-found');
    }
    const r = loadDocumentText(text, this.options.registry);
    return { path: shownPath, text, document: r.doc, validation: { ok: r.ok, issues: r.issues } };
  }

  async openDemo() {
    return this.open(join(this.options.resourcesDir, DEMO_PIPELINE), 'demo:live-room.json');
  }

  /** Resolve a workspace-relative path (or a file the user chose in a dialog), refusing anything else. */
  private inWorkspace(path: string): string {
    if (isAbsolute(path) && this.chosen.has(resolve(path))) return resolve(path);
    const root = resolve(this.workspaceDir);
    const full = resolve(root, path);
    const rel = relative(root, full);
    if (isAbsolute(path) || rel.startsWith('..') || isAbsolute(rel) || !full.endsWith('.json')) {
      throw new StudioError(`"${path}" is not a .json file inside the workspace folder ${root}`, 'bad-path');
    }
    return full;
  }

  async openPipeline(path: string) {
    return this.open(this.inWorkspace(path), path);
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      nativeDialogs: this.options.fileDialogs !== undefined,
      workspaceDir: resolve(this.workspaceDir),
      secretStore: secretStore() ? 'system' : 'environment',
    };
  }

  private dialogs(): FileDialogs {
    if (!this.options.fileDialogs)
      throw new StudioError(
        'system file dialogs are only in the desktop app; use the workspace Open and Save as dialogs',
        'unsupported',
      );
    return this.options.fileDialogs;
  }

  async openWithDialog(): Promise<OpenedPipeline | null> {
    const path = await this.dialogs().chooseOpen(resolve(this.workspaceDir));
    if (!path) return null;
    this.chosen.add(resolve(path));
    return this.open(resolve(path), resolve(path));
  }

  async saveWithDialog(doc: PipelineDocument, suggestedName: string): Promise<{ path: string } | null> {
    const path = await this.dialogs().chooseSave(join(resolve(this.workspaceDir), basename(suggestedName)));
    if (!path) return null;
    const full = resolve(path.endsWith('.json') ? path : `${path}.json`);
    this.chosen.add(full);
    return this.savePipeline(full, doc);
  }

  async listPipelines(): Promise<WorkspaceListing> {
    const dir = resolve(this.workspaceDir);
    const files: WorkspaceFile[] = [];
    const walk = async (sub: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(join(dir, sub), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new StudioError(`cannot list the workspace folder ${dir}: ${(err as Error).message}`, 'io');
      }
      for (const e of entries) {
        if (e.name.startsWith('.') || files.length >= MAX_LISTED) continue;
        const rel = sub ? `${sub}/${e.name}` : e.name;
        if (e.isDirectory() && depth < 3) await walk(rel, depth + 1);
        else if (e.isFile() && e.name.endsWith('.json')) files.push(await describeFile(dir, rel));
      }
    };
    await walk('', 0);
    files.sort((a, b) => b.modified - a.modified || a.path.localeCompare(b.path));
    return { dir, files };
  }

  async setWorkspace(dir: string): Promise<WorkspaceListing> {
    if (!isAbsolute(dir))
      throw new StudioError(`the workspace folder must be an absolute path; got "${dir}"`, 'bad-path');
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new StudioError(`cannot use ${dir} as the workspace folder: ${(err as Error).message}`, 'io');
    }
    this.workspaceDir = dir;
    return this.listPipelines();
  }

  async savePipeline(path: string, doc: PipelineDocument) {
    const full = this.inWorkspace(path);
    // A document with problems in its nodes can be saved (work in progress); one that is not a document cannot.
    const broken = validateValue(doc, this.options.registry).issues.filter(
      (i) => i.code === 'structure' || i.code === 'version',
    );
    if (broken.length)
      throw new StudioError(
        `not a pipeline document: ${broken[0]!.pointer || '/'} ${broken[0]!.message}`,
        'invalid',
        broken,
      );
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, serializeDocument(doc));
    return { path: full };
  }
}
