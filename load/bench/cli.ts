/** What every bench tool does around its main: start-up failures and teardown, written once. */

interface Stoppable {
  stop(): Promise<unknown>;
}

export interface BenchLab {
  /** Stopped first, so their last telemetry export still reaches the receiver. */
  readonly services: readonly (Stoppable | undefined)[];
  readonly receiver: Stoppable;
  readonly stores: readonly { dispose(): Promise<void> }[];
}

export async function stopLab(lab: BenchLab): Promise<void> {
  for (const service of lab.services) await service?.stop();
  await lab.receiver.stop();
  await Promise.all(lab.stores.map((store) => store.dispose()));
}

/** Runs a tool's main when the file is the entry point; a failure prints its stack and exits 1. */
export function runMain(entry: NodeJS.Module, main: () => Promise<void>): void {
  if (require.main !== entry) return;
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
