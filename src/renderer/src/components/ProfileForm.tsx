import { useState, type ReactNode } from 'react';
import { host } from '../state/files';
import { useLoad } from './useLoad';

/** Where this host keeps secrets: the system's store (desktop app) or nowhere (the environment is read). */
export const useSecretStore = () => useLoad(() => host().then((h) => h.secretStore), []).value;

/**
 * A connection profile's form (Kafka, Redis): the name, the fields given as children, Save, what it says of the
 * password, and the engine's refusal in words when saving fails.
 */
export function ProfileForm({
  label,
  nameLabel,
  name,
  onName,
  locked,
  save,
  passwordHint,
  children,
}: {
  label: string;
  nameLabel: string;
  name: string;
  onName: (name: string) => void;
  locked: boolean;
  save: () => Promise<void>;
  passwordHint?: string;
  children: ReactNode;
}) {
  const [error, setError] = useState<string>();
  return (
    <form
      className="profile-editor"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        setError(undefined);
        save().catch((err: Error) => setError(err.message));
      }}
    >
      <label>
        name{' '}
        <input
          value={name}
          onChange={(e) => onName(e.target.value)}
          required
          disabled={locked}
          aria-label={nameLabel}
        />
      </label>
      {children}
      <button type="submit">Save profile</button>
      {passwordHint && <p className="hint">{passwordHint}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** What a profile form says of the password. */
export const passwordHint = (store: string | undefined, variable: string): string =>
  store === 'system'
    ? 'The password is never saved with the profile: it is kept encrypted in the system’s secret store.'
    : `The password is never saved with the profile: it is read from ${variable} (the desktop app keeps it in the system’s secret store).`;
