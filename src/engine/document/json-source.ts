/**
 * A strict JSON parser that remembers where every value starts, so that any problem found later can name its
 * line and column. Syntax errors carry their line and column too, independent of the JS engine's message format.
 */
export interface SourceLocation {
  line: number;
  column: number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

export interface ParsedJson {
  value: unknown;
  /** JSON pointer → where its value starts. */
  locations: Map<string, SourceLocation>;
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Parse JSON text, recording the location of every value by its JSON pointer. */
export function parseJsonWithLocations(text: string): ParsedJson {
  const locations = new Map<string, SourceLocation>();
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): SourceLocation => ({ line, column: i - lineStart + 1 });
  const fail = (message: string): never => {
    const at = here();
    throw new JsonSyntaxError(`${message} at line ${at.line}, column ${at.column}`, at.line, at.column);
  };
  const describe = (): string => (i >= text.length ? 'end of file' : `"${text[i]}"`);

  const skipWs = (): void => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) break;
    }
  };

  const parseString = (): string => {
    const start = i;
    i++;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          // A bad escape (\x, \u12): said at the string, with its line and column.
          i = start;
          return fail('Bad escape in a string (after a backslash: " \\ / b f n r t, or u and four hex digits)');
        }
      }
      if (c === '\\') i++;
      else if (c === '\n' || c === '\r') fail('Unterminated string (a line break inside quotes)');
      else if (c !== undefined && c.charCodeAt(0) < 0x20) fail('Control character inside a string');
    }
    return fail('Unterminated string');
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseValue = (pointer: string): unknown => {
    skipWs();
    locations.set(pointer, here());
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail(`Expected a property name in double quotes but found ${describe()}`);
        const key = parseString();
        skipWs();
        if (text[i] !== ':') fail(`Expected ":" after property name "${key}" but found ${describe()}`);
        i++;
        Object.defineProperty(obj, key, {
          value: parseValue(`${pointer}/${escapePointer(key)}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`Expected "," or "}" after a property value but found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(`${pointer}/${arr.length}`));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`Expected "," or "]" after an array element but found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    if (text.startsWith('true', i)) return ((i += 4), true);
    if (text.startsWith('false', i)) return ((i += 5), false);
    if (text.startsWith('null', i)) return ((i += 4), null);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    return fail(`Expected a value but found ${describe()}`);
  };

  const value = parseValue('');
  skipWs();
  if (i < text.length) fail(`Unexpected ${describe()} after the end of the document`);
  return { value, locations };
}

/** The location of a pointer, or of its nearest ancestor that has one. */
export function locate(locations: Map<string, SourceLocation>, pointer: string): SourceLocation | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const at = locations.get(p);
    if (at || p === '') return at;
  }
}
