import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

const eslint = new ESLint({ cwd: ROOT });
const lint = async (file: string, code: string) => {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return r!.messages.map((m) => m.message);
};

describe('import layering is enforced by the linter', () => {
  it('shared may not import the engine, Node or Electron', async () => {
    expect(
      await lint('src/shared/x.ts', "import { Flow } from '../engine/runtime/flow';\nexport const f = Flow;\n"),
    ).toEqual([expect.stringMatching(/Bad layering: src\/shared is pure contracts/)]);
    expect(await lint('src/shared/x.ts', "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toEqual([
      expect.stringMatching(/Bad layering/),
    ]);
  });

  it('the renderer may not import the engine; the engine may not import Electron', async () => {
    expect(
      await lint(
        'src/renderer/src/x.ts',
        "import { Flow } from '../../engine/runtime/flow';\nexport const f = Flow;\n",
      ),
    ).toEqual([expect.stringMatching(/Bad layering: the renderer talks to the engine only through StudioApi/)]);
    expect(await lint('src/engine/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([
      expect.stringMatching(/Bad layering: the engine/),
    ]);
  });

  it('main uses the typed IPC port, not ipcMain directly', async () => {
    expect(await lint('src/main/x.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).toEqual([
      expect.stringMatching(/Use the typed port in src\/main\/ipc-port\.ts/),
    ]);
  });

  it('allowed directions pass', async () => {
    expect(
      await lint('src/engine/x.ts', "import { canFeed } from '../shared/ports';\nexport const c = canFeed;\n"),
    ).toEqual([]);
  });
});

describe('adapters stay apart', () => {
  it('the CLI and the web host never import each other', async () => {
    expect(
      await lint('src/cli/x.ts', "import { startHost } from '../host/server';\nexport const s = startHost;\n"),
    ).toEqual([expect.stringMatching(/Bad layering: the CLI never imports .* the web host/)]);
    expect(
      await lint('src/host/x.ts', "import { summaryLine } from '../cli/summary';\nexport const s = summaryLine;\n"),
    ).toEqual([expect.stringMatching(/Bad layering: the web host never imports .* the CLI/)]);
  });

  it('the preload imports src/shared at most', async () => {
    expect(
      await lint('src/preload/x.ts', "import { Flow } from '../engine/runtime/flow';\nexport const f = Flow;\n"),
    ).toEqual([expect.stringMatching(/Bad layering: the preload only hands the renderer its port/)]);
    expect(
      await lint('src/preload/x.ts', "import { IPC_CHANNEL } from '../shared/rpc';\nexport const c = IPC_CHANNEL;\n"),
    ).toEqual([]);
  });
});
