/**
 * The rehearsal's stack on this machine: real Postgres and Redis, the real Toxiproxy between them (and the
 * Collector) and two real service replicas, the fault controller and the flag file as the program generates
 * them, and HAProxy health-checking the replicas as Traefik does. Faults are applied the way `pulumi up`
 * applies them: the declaration to the fault controller, the flag file to the replicas' flag source.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FaultSettings } from '@lab/service/failure-lab';
import { runMigrationsProcess, serviceRoot, startPostgres, startRedis, startService, type RunningService, type TestServer } from '@lab/service/testing';
import { startAppFaultFlags, type AppFaultFlags } from './app-faults';
import { startLinkFaults, type LinkFaults } from './link-faults';
import { startLoadBalancer, type LoadBalancer } from './load-balancer';
import { waitFor } from './process';
import { startTelemetryPath, type TelemetryPath, type TelemetryPathKind } from './telemetry-path';

export const replicaNames = ['shop-api-1', 'shop-api-2'] as const;

export interface RehearsalStack {
  readonly loadBalancer: LoadBalancer;
  readonly telemetry: TelemetryPath;
  readonly replicas: readonly RunningService[];
  /** Applies the faults (none: `{}`) and resolves once Toxiproxy holds them and the flag file is published. */
  apply(faults: FaultSettings): Promise<void>;
  stop(): Promise<void>;
}

export interface RehearsalOptions {
  /** How often each replica exports its metrics (the lab's is the SDK default, 60 s). */
  readonly metricExportIntervalMs: number;
  readonly telemetry?: TelemetryPathKind;
}

function via(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

export async function startRehearsalStack(options: RehearsalOptions): Promise<RehearsalStack> {
  if (!existsSync(path.join(serviceRoot, 'dist', 'main.js'))) throw new Error('the service is not built: run `npm run build -w @lab/service`');
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-rehearsal-'));
  const stops: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.reverse()) await s();
  };
  try {
    const postgres: TestServer = await startPostgres();
    stops.push(() => postgres.dispose());
    const redis: TestServer = await startRedis();
    stops.push(() => redis.dispose());
    // The migration connects directly, as the program's does: a link fault must not fail a deploy.
    const migrated = await runMigrationsProcess(postgres.url);
    if (migrated.code !== 0) throw new Error(`migration failed: ${migrated.output}`);
    const telemetry = await startTelemetryPath(dir, options.telemetry);
    stops.push(() => telemetry.stop());
    const pg = new URL(postgres.url);
    const rd = new URL(redis.url);
    const links: LinkFaults = await startLinkFaults(dir, {
      postgres: { host: pg.hostname, port: Number(pg.port) },
      redis: { host: rd.hostname, port: Number(rd.port) },
      collector: telemetry.upstream,
    });
    stops.push(() => links.stop());
    const flags: AppFaultFlags = await startAppFaultFlags();
    stops.push(() => flags.stop());
    const replicas: RunningService[] = [];
    for (const name of replicaNames) {
      const replica = await startService(
        {
          databaseUrl: via(postgres.url, links.via.postgres),
          redisUrl: via(redis.url, links.via.redis),
          otlpEndpoint: `http://127.0.0.1:${links.via.collector}`,
          extra: {
            LOG_LEVEL: 'warn',
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
            OTEL_METRIC_EXPORT_INTERVAL: String(options.metricExportIntervalMs),
            OTEL_BSP_SCHEDULE_DELAY: '2000',
            OTEL_BLRP_SCHEDULE_DELAY: '2000',
            OTEL_RESOURCE_ATTRIBUTES: `service.instance.id=${name}`,
            ...flags.providerEnv,
          },
        },
        30_000,
      );
      replicas.push(replica);
      stops.push(() => replica.stop());
    }
    await Promise.all(
      replicas.map((r) => waitFor('a replica to be ready', () => r.fetch('/health/ready').then((res) => res.status === 200, () => false), undefined, 30_000)),
    );
    const loadBalancer = await startLoadBalancer(
      dir,
      replicas.map((r, i) => ({ name: replicaNames[i]!, port: Number(new URL(r.baseUrl).port) })),
    );
    stops.push(() => loadBalancer.stop());
    return {
      loadBalancer,
      telemetry,
      replicas,
      async apply(faults) {
        flags.apply(faults.app ?? {});
        await links.apply(faults);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
