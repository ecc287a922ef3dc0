import * as pulumi from '@pulumi/pulumi';
import { redisConfigPath, redisServerConfig, renderRedisConfig } from '../configs/redis';
import { platformContainer, platformVolume } from '../container';
import { endpoint, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import { generatedPassword } from '../secrets';

export const redisPort = 6379;
/** The image's data directory (its Dockerfile's VOLUME and WORKDIR). */
export const redisDataDir = '/data';

export interface RedisConnection {
  readonly endpoint: Endpoint;
  /** The endpoint's host as the container's output: whoever connects with it waits for a healthy server. */
  readonly host: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
  /** `redis://:password@host:port/0` (secret). */
  readonly url: pulumi.Output<string>;
  /** The same URL with another address (a proxy in front of the server), secret too. */
  urlVia(at: { readonly host: pulumi.Input<string>; readonly port: number }): pulumi.Output<string>;
}

/** Its container's memory limit, MiB: the item cache, small values with TTLs (Redis has no maxmemory here, so this is its ceiling). */
export const redisMemoryMb = 256;
/**
 * What it holds at rest, MiB: the server with a few cached items. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const redisMemoryRequestMb = 32;

export class Redis extends pulumi.ComponentResource {
  readonly connection: RedisConnection;
  readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages }, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Redis', name, {}, opts);
    const part = 'redis';
    const password = generatedPassword('redis-password', 32, { parent: this });
    const volume = platformVolume(args.naming, part, { parent: this });
    const config = pulumi.secret(
      password.apply((pass) => renderRedisConfig(redisServerConfig({ port: redisPort, password: pass, dataDir: redisDataDir }))),
    );
    const container = platformContainer(
      {
        naming: args.naming,
        part,
        image: args.images.pull('redis'),
        memoryMb: redisMemoryMb,
        memoryRequestMb: redisMemoryRequestMb,
        networks: args.networks.pick('data'),
        listens: [redisPort],
        // The image's own entrypoint runs: it drops to the `redis` user (setpriv) and loads the bundled
        // modules, then execs `redis-server <file>.conf` (redis/docker-library-redis docker-entrypoint.sh).
        // The password is in the uploaded config, not on the command line.
        command: ['redis-server', redisConfigPath],
        extraUploads: [{ file: redisConfigPath, content: config }],
        // Read by redis-cli itself (the health check), so the probe has no password argument either.
        envs: { REDISCLI_AUTH: password },
        volumes: [{ volumeName: volume.name, containerPath: redisDataDir }],
        // On SIGTERM Redis fsyncs the append-only file (and saves a snapshot when save points are set).
        stopTimeoutSeconds: 15,
        healthcheck: {
          tests: ['CMD-SHELL', `redis-cli -p ${redisPort} ping | grep -q PONG`],
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 10,
          // Replaying a large append-only file delays the first PONG.
          startPeriodSeconds: 30,
          // Alive while it answers at all: during that replay Redis answers every command with LOADING.
          alive: { tests: ['CMD-SHELL', `redis-cli -p ${redisPort} ping 2>&1 | grep -qE 'PONG|LOADING'`] },
        },
      },
      { parent: this },
    );
    const at = endpoint(args.naming.of(part), redisPort);
    const urlVia = (via: { readonly host: pulumi.Input<string>; readonly port: number }) =>
      pulumi.secret(pulumi.interpolate`redis://:${password}@${via.host}:${via.port}/0`);
    this.connection = {
      endpoint: at,
      host: container.name,
      password,
      // Host from the container's output, so consumers wait for a healthy Redis.
      url: urlVia({ host: container.name, port: at.port }),
      urlVia,
    };
    this.containerName = container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
