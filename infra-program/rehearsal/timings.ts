import type { FaultScenario } from '@lab/dashboards';
import { firstFiringMinute, runAlertChecks } from './alert-checks';
import type { Recording } from './recording';
import { alertHorizonMinutes } from './settings';
import type { AlertTiming } from './summary';

/** For each alert the scenario names: the first minute promtool sees it firing, and silence on the healthy steps. */
export function alertTimings(scenario: FaultScenario, recording: Recording): AlertTiming[] {
  return scenario.alerts.map((alert) => {
    const firstMinute = firstFiringMinute(scenario, recording, alert, alertHorizonMinutes);
    const quiet = runAlertChecks(scenario, recording, false, [0, 10, alertHorizonMinutes].map((minute) => ({ alert, minute, firing: false })));
    return { scenario: scenario.name, alert: alert.alert, stated: alert.withinMinutes, firstMinute, quietWhenHealthy: quiet.status === 0 };
  });
}
