import * as pulumi from '@pulumi/pulumi';
import { platformContainer, platformVolume } from '../container';
import { endpoint, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import { generatedPassword } from '../secrets';

/** The image's default port; no PGPORT is set, so this is where the server listens. */
export const postgresPort = 5432;

export interface PostgresArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
}

/** What a client needs: where, as whom, which database. The password is a secret output. */
export interface PostgresConnection {
  readonly endpoint: Endpoint;
  /** The endpoint's host as the container's output: whoever connects with it waits for a healthy server. */
  readonly host: pulumi.Output<string>;
  readonly user: string;
  readonly database: string;
  readonly password: pulumi.Output<string>;
  /** `postgres://user:password@host:port/db` (secret). */
  readonly url: pulumi.Output<string>;
  /** The same URL with another address (a proxy in front of the server), secret too. */
  urlVia(at: { readonly host: pulumi.Input<string>; readonly port: number }): pulumi.Output<string>;
}

/** Its container's memory limit, MiB: shared_buffers' default 128 MB plus a backend per pooled connection of every replica. */
export const postgresMemoryMb = 512;
/**
 * What it holds at rest, MiB: the server and its background workers with a small share of shared_buffers touched. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const postgresMemoryRequestMb = 128;

export class Postgres extends pulumi.ComponentResource {
  readonly connection: PostgresConnection;
  readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Postgres', name, {}, opts);
    const user = 'shop';
    const database = 'shop';
    const part = 'postgres';
    const password = generatedPassword('postgres-password', 32, { parent: this });
    const volume = platformVolume(args.naming, part, { parent: this });
    const container = platformContainer(
      {
        naming: args.naming,
        part,
        image: args.images.pull('postgres'),
        memoryMb: postgresMemoryMb,
        memoryRequestMb: postgresMemoryRequestMb,
        networks: args.networks.pick('data'),
        listens: [postgresPort],
        envs: { POSTGRES_USER: user, POSTGRES_DB: database, POSTGRES_PASSWORD: password },
        // Postgres 18 images keep data under /var/lib/postgresql/<major>/docker and refuse a volume on
        // the old /var/lib/postgresql/data path: mount the parent.
        volumes: [{ volumeName: volume.name, containerPath: '/var/lib/postgresql' }],
        // The image stops with SIGINT (fast shutdown): it ends sessions and writes a checkpoint; killed
        // earlier, the next start runs crash recovery.
        stopTimeoutSeconds: 30,
        healthcheck: {
          // Over TCP: the image's entrypoint runs initdb with a socket-only server, which pg_isready over the
          // socket would already report ready.
          tests: ['CMD', 'pg_isready', '--host', '127.0.0.1', '--port', String(postgresPort), '--username', user, '--dbname', database],
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 10,
          // A first start runs initdb before the server takes TCP connections.
          startPeriodSeconds: 60,
          // Alive while it answers at all: pg_isready exits 1 for a server rejecting connections (starting
          // up, recovering from a crash), 2 only when nothing answers.
          alive: { tests: ['CMD-SHELL', `pg_isready --host 127.0.0.1 --port ${postgresPort} --quiet; [ $? -le 1 ]`] },
        },
      },
      { parent: this },
    );
    const host = args.naming.of(part);
    const at = endpoint(host, postgresPort);
    const urlVia = (via: { readonly host: pulumi.Input<string>; readonly port: number }) =>
      pulumi.secret(pulumi.interpolate`postgres://${user}:${password}@${via.host}:${via.port}/${database}`);
    this.connection = {
      endpoint: at,
      host: container.name,
      user,
      database,
      password,
      // The host comes from the container's output, not the name string: every consumer of the URL (the
      // migration, the replicas, the exporter) is then created only once Postgres is up and healthy.
      url: urlVia({ host: container.name, port: at.port }),
      urlVia,
    };
    this.containerName = container.name;
    this.registerOutputs({ containerName: this.containerName });
  }
}
