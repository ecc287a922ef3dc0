/**
 * Link faults as `pulumi up` applies them: the real Toxiproxy, started from the program's generated proxy file
 * (configs/toxiproxy.ts `toxiproxyProxies`), and the fault controller process fed the program's generated
 * declaration (`faultDeclaration`), which it reconciles Toxiproxy to, every 2 s as in the lab. A fault change
 * replaces the controller with one reading the new declaration, as a stack update replaces its container (Docker)
 * or pod (Kubernetes); only the engine's own container start is missing here. One more difference, because every
 * part shares one host here: each proxy listens on a free loopback port instead of its upstream's own port.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { faultControllerCommand, faultControllerEnvironment, type FaultDeclaration } from '@lab/service/fault-controller';
import type { FaultLink, FaultSettings } from '@lab/service/failure-lab';
import { freePort, programPath, serviceRoot } from '@lab/service/testing';
import { faultDeclaration, toxiproxyProxies, type ProxiedUpstream } from '../src/configs/toxiproxy';
import { canConnect, startProgram, waitFor, type StartedProgram } from './process';

export interface LinkFaults {
  /** Where a replica reaches each link: the proxy's loopback port. */
  readonly via: Readonly<Record<FaultLink, number>>;
  readonly toxiproxyApi: string;
  apply(faults: FaultSettings): Promise<void>;
  stop(): Promise<void>;
}

const resolved = (value: pulumi.Input<string>) => new Promise<string>((resolve) => pulumi.output(value).apply(resolve));

export async function startLinkFaults(dir: string, upstreams: Readonly<Record<FaultLink, ProxiedUpstream>>): Promise<LinkFaults> {
  const generated = toxiproxyProxies(upstreams);
  const proxies = await Promise.all(
    generated.map(async (proxy) => ({ ...proxy, listen: `127.0.0.1:${await freePort()}`, upstream: await resolved(proxy.upstream) })),
  );
  const proxiesFile = path.join(dir, 'toxiproxy.json');
  writeFileSync(proxiesFile, JSON.stringify(proxies, null, 2));
  const apiPort = await freePort();
  const toxiproxy = startProgram('toxiproxy', programPath('toxiproxy'), ['-host', '127.0.0.1', '-port', String(apiPort), '-config', proxiesFile]);
  const toxiproxyApi = `http://127.0.0.1:${apiPort}`;
  const via = Object.fromEntries(proxies.map((p) => [p.name, Number(p.listen.split(':')[1])])) as Record<FaultLink, number>;
  await waitFor('toxiproxy to listen on every proxy', async () => (await Promise.all(Object.values(via).map(canConnect))).every(Boolean), toxiproxy);

  const declarationFile = path.join(dir, 'faults.json');
  const writeDeclaration = (faults: FaultSettings) => {
    writeFileSync(`${declarationFile}.tmp`, JSON.stringify(faultDeclaration(faults), null, 2));
    // One rename: the controller never reads half a file.
    renameSync(`${declarationFile}.tmp`, declarationFile);
  };
  writeDeclaration({});
  const metricsPort = await freePort();
  const env = Object.fromEntries(
    faultControllerEnvironment({ toxiproxyUrl: toxiproxyApi, faultsFile: declarationFile, metricsPort }).map((entry) => {
      const at = entry.indexOf('=');
      return [entry.slice(0, at), entry.slice(at + 1)];
    }),
  );
  const [, script] = faultControllerCommand;
  const startController = (): StartedProgram =>
    startProgram('fault-controller', process.execPath, [path.join(serviceRoot, script)], { ...process.env, ...env, LOG_LEVEL: 'warn' });
  const toxiproxyHolds = async (declared: FaultDeclaration) => {
    const actual = (await fetch(`${toxiproxyApi}/proxies`).then((r) => r.json(), () => ({}))) as Record<string, { enabled: boolean; toxics: Array<{ name: string }> }>;
    return declared.proxies.every((p) => actual[p.name]?.enabled === p.enabled && actual[p.name]!.toxics.map((t) => t.name).sort().join() === p.toxics.map((t) => t.name).sort().join());
  };
  let declared = faultDeclaration({});
  let controller = startController();
  const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
  await waitFor('the fault controller to reconcile Toxiproxy', async () => /outcome="success"\} [1-9]/.test(await metrics()), controller);

  return {
    via,
    toxiproxyApi,
    async apply(faults) {
      const wanted = faultDeclaration(faults);
      if (JSON.stringify(wanted) !== JSON.stringify(declared)) {
        // As `pulumi up` applies a changed declaration: the controller is replaced (its declaration file is part
        // of its container or pod), and the new one reconciles at its start.
        await controller.stop();
        writeDeclaration(faults);
        declared = wanted;
        controller = startController();
      }
      await waitFor('Toxiproxy to hold the declared link faults', () => toxiproxyHolds(wanted), controller);
    },
    async stop() {
      await controller.stop();
      await toxiproxy.stop();
    },
  };
}
