/**
 * Secrets are never written into pipeline files: they live in connection profiles (the app's settings) and the
 * secret store / environment. Validation refuses a node config with anything that looks like one.
 */
import { wholeRef } from '../../shared/parameters';

/** Field names that hold secrets. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential/i;
/** user:password@ in a URL. */
const URL_CREDENTIALS = /\b[a-z][\w+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export interface SecretFinding {
  /** JSON pointer below the config. */
  pointer: string;
  why: string;
}

/**
 * Where a config holds something that looks like a secret. A secret-named field may hold `${name}` when
 * `secretParam(name)` says that parameter is a secret one (its value comes from the secret store).
 */
export function findSecrets(
  value: unknown,
  pointer = '',
  secretParam: (name: string) => boolean = () => false,
): SecretFinding[] {
  if (typeof value === 'string') {
    if (URL_CREDENTIALS.test(value)) return [{ pointer, why: 'a URL with a user name and password' }];
    if (PRIVATE_KEY.test(value)) return [{ pointer, why: 'a private key' }];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, `${pointer}/${i}`, secretParam));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const here = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (SECRET_KEY.test(k) && v !== '' && v !== null && v !== undefined && typeof v !== 'boolean') {
        const ref = typeof v === 'string' ? wholeRef(v) : undefined;
        if (ref !== undefined && secretParam(ref)) return [];
        return [
          {
            pointer: here,
            why:
              ref !== undefined
                ? `a field named "${k}" takes parameter "${ref}", which is not marked "secret": true`
                : `a field named "${k}"`,
          },
        ];
      }
      return findSecrets(v, here, secretParam);
    });
  }
  return [];
}
