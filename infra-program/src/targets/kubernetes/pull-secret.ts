import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { RegistryAuth } from '../../docker-provider';
import type { Naming } from '../../naming';
import { objectName } from './labels';

/**
 * The key the kubelet finds Docker Hub credentials under: its keyring (pkg/credentialprovider/keyring.go)
 * strips the scheme and a `/v1/` path, so this entry is stored as `index.docker.io`, the key it looks up for
 * any image without a registry host (`postgres:18.6`, `grafana/loki:3.7.8`: `isDefaultRegistryMatch`). It is
 * also the server `kubectl create secret docker-registry` writes by default.
 */
export const dockerHubConfigKey = 'https://index.docker.io/v1/';

/** A docker config JSON (the `.dockerconfigjson` of a `kubernetes.io/dockerconfigjson` Secret) for one login. */
export function dockerConfigJson(user: string, token: string): string {
  const auth = Buffer.from(`${user}:${token}`).toString('base64');
  return JSON.stringify({ auths: { [dockerHubConfigKey]: { username: user, password: token, auth } } });
}

/**
 * The stack's Docker Hub login as an image pull secret in its namespace: every pod names it in
 * `imagePullSecrets`, so the nodes pull the Docker Hub images with it instead of anonymously. Its data is a
 * Pulumi secret (the token is one).
 */
export function dockerHubPullSecret(
  naming: Naming,
  namespace: pulumi.Input<string>,
  auth: RegistryAuth,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    'docker-hub',
    {
      metadata: {
        name: objectName(naming, 'docker-hub'),
        namespace,
        labels: { 'lab.project': naming.project, 'lab.stack': naming.stack, 'app.kubernetes.io/managed-by': 'pulumi' },
      },
      type: 'kubernetes.io/dockerconfigjson',
      stringData: { '.dockerconfigjson': pulumi.secret(auth.token.apply((token) => dockerConfigJson(auth.user, token))) },
    },
    opts,
  );
}
