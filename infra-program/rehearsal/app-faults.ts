/**
 * App faults as `pulumi up` applies them: the program's generated flag file (configs/flagd.ts `flagdFlagFile`)
 * served on flagd's sync stream, which each replica's in-process provider reads. flagd itself cannot be built
 * here (the Go module proxy refuses it: @lab/service/testing programs.ts says why), so flagd's sync API double
 * (`FlagSyncServer`) serves the file: a fault change publishes the new file, as flagd pushes a changed one.
 */
import type { AppFaults } from '@lab/service/failure-lab';
import { faultableRoutes } from '@lab/service/fault-flags';
import { FlagSyncServer } from '@lab/service/testing';
import { flagdFlagFile } from '../src/configs/flagd';

export interface AppFaultFlags {
  /** The replicas' flag provider settings, as the program's `flagProviderEnv` names them. */
  readonly providerEnv: Readonly<Record<string, string>>;
  apply(app: AppFaults): void;
  stop(): void;
}

export async function startAppFaultFlags(): Promise<AppFaultFlags> {
  const server = new FlagSyncServer(flagdFlagFile({}, faultableRoutes));
  const port = await server.start();
  return {
    providerEnv: { FLAGD_HOST: '127.0.0.1', FLAGD_PORT: String(port), FLAGD_RESOLVER: 'in-process' },
    apply: (app) => server.publish(flagdFlagFile(app, faultableRoutes)),
    stop: () => server.stop(),
  };
}
