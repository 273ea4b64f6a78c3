/** Why a file could not be read, in words: "cannot read nope.json: there is no such file". */
export function unreadable(file: string, err: unknown, what: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'there is no such file'
      : code === 'EISDIR'
        ? `it is a folder, not a ${what}`
        : code === 'EACCES'
          ? 'permission denied'
          : (err as Error).message;
  return `cannot read ${file}: ${why}`;
}
