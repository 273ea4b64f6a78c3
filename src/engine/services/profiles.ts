/**
 * Connection profiles of one kind (Kafka, Redis), as the studio manages them: list, save, delete, keep a secret,
 * test. The two kinds share this code; each says where its profiles and secrets are.
 */
import { StudioError } from '../../shared/api';
import type { ConnectionTest } from '../../shared/kafka';
import { secretStore } from '../secrets/store';

/** Where one kind keeps its profiles and secrets. */
export interface ProfileKind<Info> {
  /** "Kafka", "Redis": in messages. */
  label: string;
  list(): Info[];
  /** Checked in full, with messages naming the field; throws in words. */
  save(name: string, settings: unknown): void;
  /** Removes the profile (throws in words when there is none). */
  remove(name: string): void;
  exists(name: string): boolean;
  /** The key of a profile's secret in the secret store, and the environment variable that holds it elsewhere. */
  secretKey(name: string): string;
  secretVariable(name: string): string;
  test(name: string): Promise<ConnectionTest>;
}

/** Run `fn`; what it throws reaches the studio as a StudioError with `code`, in its own words. */
export function asStudioError<T>(code: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new StudioError((err as Error).message, code);
  }
}

export class ProfileService<Info> {
  constructor(private readonly kind: ProfileKind<Info>) {}

  async profiles(): Promise<Info[]> {
    return this.kind.list();
  }

  async save(name: string, settings: unknown): Promise<Info[]> {
    asStudioError('invalid', () => this.kind.save(name, settings));
    return this.kind.list();
  }

  async remove(name: string): Promise<Info[]> {
    asStudioError('not-found', () => {
      this.kind.remove(name);
      secretStore()?.delete(this.kind.secretKey(name));
    });
    return this.kind.list();
  }

  async setSecret(name: string, secret: string | null): Promise<Info[]> {
    const store = secretStore();
    if (!store)
      throw new StudioError(
        `this host keeps no secrets: set ${this.kind.secretVariable(name)} in its environment (the desktop app keeps them in the system’s secret store)`,
        'unsupported',
      );
    if (!this.kind.exists(name))
      throw new StudioError(`no ${this.kind.label} connection profile "${name}"`, 'not-found');
    asStudioError('unsupported', () => {
      if (secret === null) store.delete(this.kind.secretKey(name));
      else store.set(this.kind.secretKey(name), secret);
    });
    return this.kind.list();
  }

  async test(name: string): Promise<ConnectionTest> {
    return this.kind.test(name);
  }
}
