import * as pulumi from '@pulumi/pulumi';
import type { Config as ServiceConfig } from '@lab/service/config';
import { ConfigFile } from '../config-file';
import { flagdFlagFile, flagdPorts } from '../configs/flagd';
import { platformContainer, readinessGate } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import type { AppFaults } from '@lab/service/failure-lab';
import { probeImage, type PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';

export interface FlagdAddress {
  /** The gRPC sync stream the replicas' in-process providers read the flag set from. */
  readonly sync: Endpoint;
  /** `/healthz`, `/readyz`, `/metrics`. */
  readonly management: Endpoint;
  readonly metrics: ScrapeTarget;
}

/**
 * Known before the container exists. The replicas take flagd's address from here, never from the container:
 * a replica input that depended on its outputs would make Pulumi replace the replicas whenever flagd is
 * replaced (step_generator.go, calculateDependentReplacements), an image change say.
 */
export function flagdAddress(naming: Naming): FlagdAddress {
  const host = naming.of('flagd');
  const management = endpoint(host, flagdPorts.management);
  return { sync: endpoint(host, flagdPorts.sync), management, metrics: { job: 'flagd', endpoint: management } };
}

/** Its container's memory limit, MiB: a Go server holding a few flags and a handful of sync streams. */
export const flagdMemoryMb = 64;
/**
 * What it holds at rest, MiB: a Go process holding one small flag file. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const flagdMemoryRequestMb = 32;

export interface FlagdArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  readonly app: AppFaults;
  /** The routes a route-scoped fault without its own list applies to. */
  readonly faultableRoutes: readonly string[];
}

/** Where flagd reads its flag file: a directory of live files (container.ts), which flagd only reads. */
export const flagdLiveDirectory = '/etc/flagd/live';

/**
 * flagd serving the fault flags generated from `faults.app`. The flag file is a live file: a flag change
 * rewrites it under the running flagd (Docker: a one-shot writer renames it into flagd's volume; Kubernetes:
 * the kubelet updates its ConfigMap volume), flagd's file watch reads it again and pushes it down every
 * replica's open sync stream. flagd is never replaced by a fault change, so it keeps its address and the
 * replicas their connections (a replaced flagd came back on a new address, which grpc-js resolves again at
 * most every 30 s).
 */
export class Flagd extends pulumi.ComponentResource {
  readonly address: FlagdAddress;
  readonly flagFile: ConfigFile;
  readonly ready: pulumi.Output<string>;

  constructor(name: string, args: FlagdArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Flagd', name, {}, opts);
    this.address = flagdAddress(args.naming);
    this.flagFile = new ConfigFile(
      'flagd-flags',
      // flagd takes only files ending in .yaml, .yml or .json (flagd/cmd/start.go, --uri).
      { path: `${flagdLiveDirectory}/faults.flagd.json`, format: 'json', document: flagdFlagFile(args.app, args.faultableRoutes) },
      { parent: this },
    );
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'flagd',
        image: args.images.pull('flagd'),
        // The replicas sync over the data network; Prometheus scrapes it over telemetry.
        networks: args.networks.pick('data', 'telemetry'),
        // The image's entrypoint is the flagd binary; every port written out, as the program's addresses use them.
        command: [
          'start',
          `--uri=file:${this.flagFile.path}`,
          `--port=${flagdPorts.evaluation}`,
          `--management-port=${flagdPorts.management}`,
          `--sync-port=${flagdPorts.sync}`,
          `--ofrep-port=${flagdPorts.ofrep}`,
          '--log-format=json',
        ],
        liveFiles: { directory: flagdLiveDirectory, files: [this.flagFile], writerImage: args.images.pull(probeImage) },
        listens: [flagdPorts.evaluation, flagdPorts.management, flagdPorts.sync, flagdPorts.ofrep],
        memoryMb: flagdMemoryMb,
        memoryRequestMb: flagdMemoryRequestMb,
        readiness: { port: flagdPorts.management, path: '/readyz', timeoutSeconds: 3 },
      },
      { parent: this },
    );
    // distroless/static (flagd/build.Dockerfile at v0.16.1): no shell for a Docker health check. `/readyz`
    // answers 200 only once its file source has been read (connect_service.go).
    this.ready = readinessGate(
      {
        naming: args.naming,
        part: 'flagd',
        target: container,
        url: httpUrl(this.address.management, '/readyz'),
        image: args.images.pull(probeImage),
        networks: args.networks.pick('telemetry'),
        timeoutSeconds: 60,
      },
      { parent: this },
    );
    this.registerOutputs({ ready: this.ready });
  }
}

/**
 * The replicas' flag provider settings, as @openfeature/flagd-provider 0.16 reads them and the service's
 * config accepts them (a name the service does not know fails to compile): in-process evaluation from
 * flagd's sync stream. Static strings, never flagd's outputs (see flagdAddress).
 */
export function flagProviderEnv(address: FlagdAddress): Readonly<Record<string, string>> {
  return {
    FLAGD_HOST: address.sync.host,
    FLAGD_PORT: String(address.sync.port),
    FLAGD_RESOLVER: 'in-process',
  } satisfies Partial<Record<keyof ServiceConfig, string>>;
}
