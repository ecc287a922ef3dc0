/**
 * One scenario on the rehearsal stack: a healthy phase, then the catalogue's faults applied as `pulumi up`
 * applies them, recorded as Prometheus would store the replicas' metrics; then the faults removed and the
 * stack left to recover for the next one.
 */
import type { FaultScenario } from '@lab/dashboards';
import { seriesNamesRead, seriesReadBy } from './alert-checks';
import { Recorder, type Recording } from './recording';
import { sleep, waitFor } from './process';
import type { RehearsalStack } from './stack';
import type { SteadyClient } from './steady-client';

export interface PhaseLengths {
  readonly healthySeconds: number;
  readonly faultSeconds: number;
  /** After the faults are removed, before the next scenario's healthy phase. */
  readonly recoverySeconds: number;
  readonly stepSeconds: number;
}

export interface ScenarioRehearsal {
  readonly scenario: FaultScenario['name'];
  readonly telemetryPath: string;
  readonly lengths: PhaseLengths;
  /** How long Toxiproxy took to hold the declared faults after the declaration was written, ms. */
  readonly faultAppliedMs: number;
  /** The client's answers by status, in each phase. */
  readonly answers: { readonly healthy: Record<string, number>; readonly fault: Record<string, number> };
  readonly recording: Recording;
}

export async function rehearseScenario(stack: RehearsalStack, client: SteadyClient, scenario: FaultScenario, lengths: PhaseLengths): Promise<ScenarioRehearsal> {
  const recorder = new Recorder(stack.telemetry.receiver, lengths.stepSeconds, (name) => seriesNamesRead.has(name));
  client.takeCounts();
  recorder.start();
  await sleep(lengths.healthySeconds * 1000);
  const healthy = client.takeCounts();
  const applying = Date.now();
  recorder.phase = 'fault';
  await stack.apply(scenario.faults);
  const faultAppliedMs = Date.now() - applying;
  await sleep(lengths.faultSeconds * 1000 - faultAppliedMs);
  const fault = client.takeCounts();
  const recording = recorder.stop();
  await stack.apply({});
  await Promise.all(
    stack.replicas.map((r) => waitFor('a replica to be ready again', () => r.fetch('/health/ready').then((res) => res.status === 200, () => false), undefined, 60_000)),
  );
  await sleep(lengths.recoverySeconds * 1000);
  client.takeCounts();
  return {
    scenario: scenario.name,
    telemetryPath: stack.telemetry.kind,
    lengths,
    faultAppliedMs,
    answers: { healthy, fault },
    recording: seriesReadBy(scenario, recording),
  };
}
