import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { platformContainer, platformReplicas, requireSuccess } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import type { LogLevel } from '../log-level';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { PlatformImages } from '../images';
import type { PostgresConnection } from './postgres';
import { nodeHttpCheck } from './node-health';

/** The service contract: it listens on $PORT and answers these paths. */
export const servicePort = 8080;
export const serviceLivenessPath = '/health/live';
export const serviceReadinessPath = '/health/ready';
/** After draining: time for in-flight requests, running tasks and the last telemetry flush. */
const inFlightBudgetMs = 8_000;

export interface ShopServiceArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  /** For `keepLocally`: the built image follows the same `keepImages` rule as the pulled ones. */
  readonly images: PlatformImages;
  readonly replicas: number;
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /** How long the load balancer may take to notice a failing readiness: the replicas drain that long. */
  readonly loadBalancerDetectionMs: number;
  /** Ratio for traces the service starts itself; it follows the caller's (Traefik's) decision otherwise. */
  readonly traceSampleRatio: number;
  /** The migration's database (it connects directly: a fault on the link must not fail a deploy). */
  readonly postgres: PostgresConnection;
  readonly links: ReplicaLinks;
  /** The Collector's readiness: replicas start only once their telemetry has somewhere to go. */
  readonly collectorReady: pulumi.Output<string>;
  /** The repository root: the image's build context (the Dockerfile copies workspace files from it). */
  readonly repositoryRoot: string;
}

/**
 * How the replicas reach their dependencies: through Toxiproxy, so the failure lab can break each link.
 * The flag provider's settings are plain strings: flagd is replaced on every flag change, and a replica
 * input that depended on its outputs would be replaced with it.
 */
export interface ReplicaLinks {
  readonly databaseUrl: pulumi.Output<string>;
  readonly redisUrl: pulumi.Output<string>;
  readonly collectorOtlpHttp: { readonly host: pulumi.Input<string>; readonly port: number };
  readonly flagProvider: Readonly<Record<string, string>>;
  /** Pyroscope's HTTP API, where each replica pushes its profiles. */
  readonly pyroscopeHttp: Endpoint;
}

/**
 * Each replica's (and the migration's) memory limit, MiB: Node 24 sizes its heap from the cgroup limit, and
 * a replica holds a connection pool, the OTel SDK's buffers and in-flight requests.
 */
export const shopApiMemoryMb = 256;
/**
 * What it holds at rest, MiB: Node.js with the app and the OpenTelemetry SDK loaded, no request in flight. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const shopApiMemoryRequestMb = 128;

/**
 * The shop API: its image built from service/Dockerfile, a one-shot migration, then N replicas that are
 * created only once the migration has exited 0.
 */
export class ShopService extends pulumi.ComponentResource {
  readonly replicas: readonly Endpoint[];
  readonly migrationName: pulumi.Output<string>;
  readonly replicaNames: pulumi.Output<string>[];
  /** The built image's id: a rebuild changes it (and so replaces the replicas). */
  readonly imageId: pulumi.Output<string>;
  /** The replicas' container ids: each changes whenever its replica is replaced. */
  readonly replicaIds: pulumi.Output<string>[];

  constructor(name: string, args: ShopServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:ShopService', name, {}, opts);
    const imageRef = args.images.build(
      'shop-api-image',
      {
        imageName: args.naming.of('shop-api'),
        context: args.repositoryRoot,
        dockerfile: path.join(args.repositoryRoot, 'service', 'Dockerfile'),
      },
      { parent: this },
    );

    const migration = platformContainer(
      {
        naming: args.naming,
        part: 'shop-api-migrate',
        image: imageRef,
        networks: args.networks.pick('data'),
        command: ['node', 'dist/migrate.js'],
        memoryMb: shopApiMemoryMb,
        memoryRequestMb: shopApiMemoryRequestMb,
        envs: { DATABASE_URL: args.postgres.url, LOG_LEVEL: args.logLevel, OTEL_SDK_DISABLED: 'true' },
        oneShot: true,
      },
      { parent: this },
    );
    const migrated = requireSuccess(migration, 'database migration');

    // On SIGTERM a replica fails readiness, keeps serving until the load balancer has noticed, then has
    // its own budget for in-flight requests and the telemetry flush; Docker waits a little longer.
    const drainDelayMs = args.loadBalancerDetectionMs;
    const shutdownGraceMs = drainDelayMs + inFlightBudgetMs;
    const stopTimeoutSeconds = Math.ceil(shutdownGraceMs / 1000) + 2;
    const replicas = platformReplicas(
      {
        naming: args.naming,
        part: 'shop-api',
        count: args.replicas,
        image: imageRef,
        networks: args.networks.pick('edge', 'data', 'telemetry'),
        memoryMb: shopApiMemoryMb,
        memoryRequestMb: shopApiMemoryRequestMb,
        listens: [servicePort],
        envs: (instance) => ({
          PORT: String(servicePort),
          DATABASE_URL: args.links.databaseUrl,
          REDIS_URL: args.links.redisUrl,
          LOG_LEVEL: args.logLevel,
          OTEL_SERVICE_NAME: args.serviceName,
          OTEL_EXPORTER_OTLP_ENDPOINT: pulumi.interpolate`http://${args.links.collectorOtlpHttp.host}:${args.links.collectorOtlpHttp.port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs),
          SHUTDOWN_GRACE_MS: String(shutdownGraceMs),
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: String(args.traceSampleRatio),
          OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${instance},deployment.environment.name=${args.naming.stack}`,
          ...args.links.flagProvider,
          PYROSCOPE_SERVER_ADDRESS: httpUrl(args.links.pyroscopeHttp),
        }),
        labels: { 'lab.requires.migration': migrated, 'lab.requires.collector': args.collectorReady },
        stopTimeoutSeconds,
        // Where endpoint lists route (Kubernetes), a terminating pod leaves them a moment after SIGTERM is
        // decided: it keeps serving through that before its own drain starts.
        preStopSeconds: Math.ceil(drainDelayMs / 1000),
        healthcheck: {
          ...nodeHttpCheck(servicePort, serviceLivenessPath),
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 12,
          // Node loads the OpenTelemetry SDK and instrumentations before the app listens.
          startPeriodSeconds: 30,
        },
        // It fails readiness from SIGTERM on (while it drains) and while Postgres is unreachable.
        readiness: { port: servicePort, path: serviceReadinessPath, timeoutSeconds: 2 },
      },
      { parent: this, dependsOn: [migration] },
    );
    this.replicas = replicas.hosts.map((host) => endpoint(host, servicePort));
    this.replicaNames = replicas.instances.map((replica) => replica.name);
    this.replicaIds = replicas.instances.map((replica) => replica.id);
    this.migrationName = migration.name;
    this.imageId = imageRef;
    this.registerOutputs({ migrationName: this.migrationName });
  }
}
