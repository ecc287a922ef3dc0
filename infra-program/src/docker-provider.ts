import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { SettingsError, type RawConfig } from './settings-error';

/**
 * The registry key the provider looks credentials up by when it pulls a Docker Hub image: `pullImage`
 * (kreuzwerker/terraform-provider-docker v4.5.0, resource_docker_image_funcs.go) reads
 * `AuthConfigs[registry]` with `registry-1.docker.io` for an image name without a registry host.
 */
export const dockerHubRegistry = 'registry-1.docker.io';

/** Config keys of the optional Docker Hub login; the token must be a Pulumi secret. */
export const registryAuthKeys = { user: 'dockerHubUser', token: 'dockerHubToken' } as const;

export interface RegistryAuth {
  readonly user: string;
  readonly token: pulumi.Output<string>;
}

/** Whether a config value was set with `--secret` (the CLI passes the list of secret keys to the program). */
export type SecretCheck = (key: string) => boolean;

/**
 * Docker Hub credentials from the stack config, or none (anonymous pulls). Both keys or neither; the
 * token only as a secret, so it is encrypted in Pulumi.<stack>.yaml and in the state, never plain text.
 */
export function readRegistryAuth(project: string, raw: RawConfig, isSecret: SecretCheck): RegistryAuth | undefined {
  const key = (name: string) => `${project}:${name}`;
  const user = raw(registryAuthKeys.user) ?? '';
  const token = raw(registryAuthKeys.token) ?? '';
  if (user === '' && token === '') return undefined;
  if (user === '' || token === '') {
    const missing = user === '' ? registryAuthKeys.user : registryAuthKeys.token;
    throw new SettingsError(`invalid stack config:\n  - ${key(missing)} must be set too: Docker Hub credentials need both ${key(registryAuthKeys.user)} and ${key(registryAuthKeys.token)}`);
  }
  if (!isSecret(key(registryAuthKeys.token))) {
    throw new SettingsError(
      `invalid stack config:\n  - ${key(registryAuthKeys.token)} must be a secret: pulumi config set --secret ${registryAuthKeys.token} <access token>`,
    );
  }
  return { user, token: pulumi.secret(token) };
}

/**
 * The one Docker provider every resource of the lab uses. It always exists, so adding credentials later
 * changes only its configuration, not the provider of every container (which would replace them all).
 * Without `registryAuth` the provider pulls anonymously: a `docker login` on the host is not used.
 */
export function dockerProvider(auth: RegistryAuth | undefined): docker.Provider {
  return new docker.Provider('docker', {
    registryAuth: auth ? [{ address: dockerHubRegistry, username: auth.user, password: auth.token }] : undefined,
  });
}
