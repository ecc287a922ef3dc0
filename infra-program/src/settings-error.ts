/** Raised for any invalid knob; the message names the fully qualified key so `pulumi up` says what to fix. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** How the program reads raw values; `pulumi.Config#get` fits, and so does a plain map in tests. */
export type RawConfig = (key: string) => string | undefined;
