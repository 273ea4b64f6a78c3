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
