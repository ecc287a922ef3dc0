import * as pulumi from '@pulumi/pulumi';
import type { DeclaredFlag, DeclaredProxy, DeclaredToxic, FaultDeclaration } from '@lab/service/fault-controller';
import { faultFlags, type FaultFlagName } from '@lab/service/fault-flags';
import { bindAll } from '../endpoint';
import { faultLinks, type FaultLink, type FaultSettings, type LinkFaults } from '@lab/service/failure-lab';
import { appFlagValues } from './flagd';

/** The port of Toxiproxy's HTTP API (its `-port` flag; also the default), where `/metrics` is served too. */
export const toxiproxyApiPort = 8474;

/**
 * One entry of the file Toxiproxy reads at start (`-config`): `PopulateJson` in proxy_collection.go at
 * v2.12.0 decodes a list of {name, listen, upstream, enabled}.
 */
export interface ToxiproxyProxyConfig {
  readonly name: FaultLink;
  readonly listen: string;
  readonly upstream: pulumi.Input<string>;
  readonly enabled: boolean;
}

/** An upstream as the proxy dials it: its host may be a container's output, so the proxy is created after it. */
export interface ProxiedUpstream {
  readonly host: pulumi.Input<string>;
  readonly port: number;
}

/**
 * Every link as a proxy that listens on its upstream's own port: a consumer's address through Toxiproxy is
 * then Toxiproxy's host with the port it would have used anyway. Always enabled here: faults are applied at
 * run time by the fault controller, so this file (and the Toxiproxy container) never changes with them.
 */
export function toxiproxyProxies(upstreams: Readonly<Record<FaultLink, ProxiedUpstream>>): ToxiproxyProxyConfig[] {
  const ports = new Set(faultLinks.map((link) => upstreams[link].port));
  if (ports.size !== faultLinks.length) throw new Error('two proxied links share a port: each proxy listens on its upstream port');
  return faultLinks.map((link) => ({
    name: link,
    listen: bindAll(upstreams[link].port),
    upstream: pulumi.interpolate`${upstreams[link].host}:${upstreams[link].port}`,
    enabled: true,
  }));
}

/**
 * The toxics of one link, as Toxiproxy v2.12.0 takes them (toxics/*.go): every attribute an integer, times
 * in ms except the slicer's delay (µs), bandwidth in KB/s. Each toxic is named `<type>_<stream>`, the name
 * Toxiproxy gives one itself (toxic_collection.go, AddToxicJson), and acts on the data flowing back to the
 * client (downstream): a slow or cut answer is what the service must cope with. A latency of 0 is no toxic,
 * so a scenario's latency can be switched off from the stack config.
 */
export function linkToxics(faults: LinkFaults): DeclaredToxic[] {
  const toxicity = faults.toxicity ?? 1;
  const toxic = (type: DeclaredToxic['type'], attributes: Record<string, number>): DeclaredToxic => ({
    name: `${type}_downstream`,
    type,
    stream: 'downstream',
    toxicity,
    attributes,
  });
  const toxics: DeclaredToxic[] = [];
  if (faults.latencyMs !== undefined && faults.latencyMs > 0) {
    toxics.push(toxic('latency', { latency: faults.latencyMs, jitter: faults.jitterMs ?? 0 }));
  }
  if (faults.bandwidthKBps !== undefined) toxics.push(toxic('bandwidth', { rate: faults.bandwidthKBps }));
  if (faults.slicer !== undefined) {
    toxics.push(
      toxic('slicer', {
        average_size: faults.slicer.averageBytes,
        size_variation: faults.slicer.variationBytes ?? 0,
        delay: faults.slicer.delayUs,
      }),
    );
  }
  if (faults.timeoutMs !== undefined) toxics.push(toxic('timeout', { timeout: faults.timeoutMs }));
  if (faults.resetPeerMs !== undefined) toxics.push(toxic('reset_peer', { timeout: faults.resetPeerMs }));
  return toxics;
}

/**
 * The declaration the fault controller reconciles Toxiproxy to (and reports as metrics): every proxy with the
 * state it must be in, and every fault flag whose served value is not its default. Pure, so the stack output
 * and the uploaded file are the same value, and with no faults it is all-enabled, no toxics, no flags.
 */
export function faultDeclaration(faults: FaultSettings): FaultDeclaration {
  const proxies: DeclaredProxy[] = faultLinks.map((link) => {
    const linkFaults = faults[link] ?? {};
    return { name: link, enabled: linkFaults.down !== true, toxics: linkToxics(linkFaults) };
  });
  const values = appFlagValues(faults.app ?? {});
  const flags: DeclaredFlag[] = (Object.keys(faultFlags) as FaultFlagName[])
    .filter((name) => values[name].value !== faultFlags[name].defaultValue)
    .map((name) => {
      const served = values[name];
      return { key: faultFlags[name].key, value: served.value, ...(served.routes ? { routes: [...served.routes] } : {}) };
    });
  return { proxies, flags };
}
