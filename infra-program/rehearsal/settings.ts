/** How the rehearsal runs each scenario: phase lengths, sampling, traffic. */
import type { FaultScenarioName } from '@lab/dashboards';
import type { PhaseLengths } from './rehearse-scenario';

/** k6's soak (load/k6/scenarios/soak.options.ts): 15 requests/s, the catalogue's traffic for all but cpu-hog. */
export const soakRatePerSecond = 15;
/** Shorter than the lab's 60 s so a short rehearsal has many points; the catalogue adds a minute for the lab's. */
export const metricExportIntervalMs = 5_000;
export const warmUpSeconds = 30;
/** Minutes after the fault starts that promtool looks for each alert. */
export const alertHorizonMinutes = 30;

/**
 * Two minutes of fault show every counter's and gauge's new rate; memory-leak runs until its cap (64 MiB at
 * 12 MiB a minute: 5.3 minutes) so its heap floor is recorded, not extrapolated.
 */
export function phaseLengths(name: FaultScenarioName): PhaseLengths {
  return { healthySeconds: 60, faultSeconds: name === 'memory-leak' ? 360 : 120, recoverySeconds: 20, stepSeconds: 15 };
}
