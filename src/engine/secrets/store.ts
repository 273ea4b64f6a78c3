/**
 * Where connection secrets (SASL passwords) live — never in pipeline files, never in the settings file in clear.
 *
 * The desktop app keeps them encrypted with Electron's safeStorage (the system's keychain / libsecret / DPAPI key)
 * in a file of its own; the CLI and the web host read them from the environment (`SLUICE_SECRET_<PROFILE>`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Encrypts and decrypts with a key the system keeps (Electron's safeStorage in the desktop app). */
export interface SecretCipher {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

export interface SecretStore {
  get(profile: string): string | undefined;
  set(profile: string, secret: string): void;
  delete(profile: string): void;
}

/** Secrets encrypted by `cipher`, base64, in a JSON file readable by its owner only. */
export class EncryptedFileSecretStore implements SecretStore {
  constructor(
    private readonly path: string,
    private readonly cipher: SecretCipher,
  ) {}

  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>;
  }

  private write(all: Record<string, string>): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  get(profile: string): string | undefined {
    const sealed = this.read()[profile];
    return sealed === undefined ? undefined : this.cipher.decrypt(Buffer.from(sealed, 'base64'));
  }

  set(profile: string, secret: string): void {
    if (!this.cipher.available())
      throw new Error(
        'the system’s secret store is not available (on Linux: a keyring such as GNOME Keyring or KWallet)',
      );
    this.write({ ...this.read(), [profile]: this.cipher.encrypt(secret).toString('base64') });
  }

  delete(profile: string): void {
    const all = this.read();
    delete all[profile];
    this.write(all);
  }
}

let store: SecretStore | undefined;

/** The desktop app installs the system's store at start; elsewhere there is none (secrets from the environment). */
export function setSecretStore(s: SecretStore | undefined): void {
  store = s;
}

export function secretStore(): SecretStore | undefined {
  return store;
}
