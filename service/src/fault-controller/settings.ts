import { z } from 'zod';
import { parseEnvironment } from '../config';
import { faultControllerDefaults as defaults, faultControllerVariables as names } from './environment';

const schema = z.object({
  [names.toxiproxyUrl]: z.string().trim().min(1).refine(
    (value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: 'must be a URL with scheme http:// or https://' },
  ),
  [names.faultsFile]: z.string().trim().min(1).default(defaults.faultsFile),
  [names.metricsPort]: z.coerce.number().int().min(1).max(65535).default(defaults.metricsPort),
  // Under 200 ms the loop would mostly measure Toxiproxy's API; over a minute a fault change is not "seconds".
  [names.reconcileIntervalMs]: z.coerce.number().int().min(200).max(60_000).default(defaults.reconcileIntervalMs),
  [names.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(defaults.logLevel),
});

export interface FaultControllerSettings {
  readonly toxiproxyUrl: string;
  readonly faultsFile: string;
  readonly metricsPort: number;
  readonly reconcileIntervalMs: number;
  readonly logLevel: string;
}

/** Reads the controller's environment; throws ConfigError naming each missing or invalid variable. */
export function loadFaultControllerSettings(environment: NodeJS.ProcessEnv = process.env): FaultControllerSettings {
  const values = parseEnvironment(schema, environment);
  return {
    toxiproxyUrl: values[names.toxiproxyUrl].replace(/\/+$/, ''),
    faultsFile: values[names.faultsFile],
    metricsPort: values[names.metricsPort],
    reconcileIntervalMs: values[names.reconcileIntervalMs],
    logLevel: values[names.logLevel],
  };
}
