/** Redis connection profiles as the studio sees them (never a password). */
export interface RedisProfileInfo {
  name: string;
  /** redis://host:port[/db] or rediss:// (TLS); empty for the embedded one until it has started. */
  url: string;
  /** The embedded redis-server (started by Sluice; development only). */
  local: boolean;
  username?: string;
  tls: boolean;
  caFile?: string;
  /** Where its password comes from and whether one is set: the system's secret store (desktop app) or the environment. */
  secret?: { variable: string; set: boolean; store: 'system' | 'environment' };
}

/** A profile as kept in the settings file. */
export interface RedisProfileSettings {
  url: string;
  username?: string;
  tls?: { caFile?: string };
}
