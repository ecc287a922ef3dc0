import * as pulumi from '@pulumi/pulumi';
import {
  faultControllerCommand,
  faultControllerDefaults,
  faultControllerEnvironment,
  faultControllerVariables,
  type FaultDeclaration,
} from '@lab/service/fault-controller';
import { ConfigFile } from '../config-file';
import { platformContainer } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { LogLevel } from '../log-level';
import type { ScrapeTarget } from './exporters';
import { nodeHttpCheck } from './node-health';

export interface FaultControllerAddress {
  readonly metrics: ScrapeTarget;
}

/** Known before the container exists: Prometheus's config names it up front (and must not wait on it). */
export function faultControllerAddress(naming: Naming): FaultControllerAddress {
  return { metrics: { job: 'fault-controller', endpoint: endpoint(naming.of('fault-controller'), faultControllerDefaults.metricsPort) } };
}

/** Its container's memory limit, MiB: one Node process polling an API and serving a few series. */
export const faultControllerMemoryMb = 128;
/**
 * What it holds at rest, MiB: Node.js with the controller loaded, no request in flight. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const faultControllerMemoryRequestMb = 96;

export interface FaultControllerArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  /** The service image (it carries the controller's code). */
  readonly image: pulumi.Input<string>;
  /** Toxiproxy's API, and its readiness: the controller starts once the API answers. */
  readonly toxiproxy: { readonly api: Endpoint; readonly ready: pulumi.Output<string> };
  readonly declaration: FaultDeclaration;
  readonly logLevel: LogLevel;
}

/**
 * The process that keeps Toxiproxy equal to the declared faults (every few seconds, so a restarted
 * Toxiproxy gets them back) and reports them as metrics. The declaration is its only fault-dependent input:
 * a fault change replaces this container alone, in seconds.
 */
export class FaultController extends pulumi.ComponentResource {
  readonly address: FaultControllerAddress;
  readonly declarationFile: ConfigFile;

  constructor(name: string, args: FaultControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:FaultController', name, {}, opts);
    this.address = faultControllerAddress(args.naming);
    this.declarationFile = new ConfigFile(
      'fault-declaration',
      { path: faultControllerDefaults.faultsFile, format: 'json', document: args.declaration },
      { parent: this },
    );
    const metricsPort = faultControllerDefaults.metricsPort;
    // The variable names are the controller's own (its environment.ts), never retyped here.
    const environment = faultControllerEnvironment({
      toxiproxyUrl: httpUrl(args.toxiproxy.api),
      faultsFile: this.declarationFile.path,
      metricsPort,
    });
    const envs = Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
    platformContainer(
      {
        naming: args.naming,
        part: 'fault-controller',
        image: args.image,
        command: [...faultControllerCommand],
        // Toxiproxy's API and Prometheus are both on the telemetry network.
        networks: args.networks.pick('telemetry'),
        envs: { ...envs, [faultControllerVariables.logLevel]: args.logLevel },
        labels: { 'lab.requires.toxiproxy': args.toxiproxy.ready },
        configFiles: [this.declarationFile],
        listens: [metricsPort],
        memoryMb: faultControllerMemoryMb,
        memoryRequestMb: faultControllerMemoryRequestMb,
        // Two controllers, each with its own declaration, would flip the links between them every 2 s.
        exclusive: true,
        healthcheck: {
          // The service image; the controller serves /health/live next to /metrics.
          ...nodeHttpCheck(metricsPort, '/health/live'),
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 6,
          startPeriodSeconds: 20,
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
