import type * as k8s from '@pulumi/kubernetes';
import type { HealthCheck, HttpCheck, LifeCheck, PlatformContainerArgs } from '../../container';

type Probe = k8s.types.input.core.v1.Probe;

/** A part without a health check may take this long to become ready (Tempo's ring join, the Docker gate's longest wait). */
const defaultReadyWithinSeconds = 180;

export interface PartProbes {
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
}

/**
 * How many times longer a part must fail its life check before it is restarted than Docker takes to call
 * it unhealthy: a restart loses what the part holds in memory and starts its cold start over, while
 * unreadiness only takes it out of its Service for as long as it lasts.
 */
export const livenessBudgetFactor = 2;

/** The check's action: the kubelet's own HTTP GET where the part declared one, else its command. */
function action(check: Pick<HealthCheck, 'tests' | 'httpGet'>): Pick<Probe, 'httpGet' | 'exec'> {
  if (check.httpGet) return httpAction(check.httpGet);
  const [form, ...rest] = check.tests;
  if (form === 'CMD') return { exec: { command: rest } };
  if (form === 'CMD-SHELL') return { exec: { command: ['/bin/sh', '-c', rest.join(' ')] } };
  throw new Error(`health check ${JSON.stringify(check.tests)} is neither CMD nor CMD-SHELL`);
}

function lifeAction(check: HealthCheck): Pick<Probe, 'httpGet' | 'exec'> {
  const alive: LifeCheck | undefined = check.alive;
  if (!alive) return action(check);
  return 'httpGet' in alive ? httpAction(alive.httpGet) : action({ tests: alive.tests });
}

function httpAction(check: HttpCheck): Pick<Probe, 'httpGet'> {
  return { httpGet: { port: check.port, path: check.path } };
}

/**
 * The part's Docker health check as Kubernetes probes, each asking its own question with its own budget.
 * Startup and liveness ask whether the part is alive (its `alive` check where the health check asks more):
 * the startup probe allows Docker's start period plus the retries, and liveness restarts a part only after
 * `livenessBudgetFactor` times as long as Docker takes to call it unhealthy. Readiness (what Services route
 * by, and what `pulumi up` waits for) asks whether it is ready: its declared readiness URL, else its health
 * check with Docker's timing, so a part that replays its WAL is unready, not restarted.
 */
export function probesOf(args: PlatformContainerArgs): PartProbes {
  const check = args.healthcheck;
  const readiness = args.readiness;
  if (!check && !readiness) return {};
  const period = check?.intervalSeconds ?? 5;
  const startupFailures = check ? Math.ceil(check.startPeriodSeconds / check.intervalSeconds) + check.retries : 0;
  const startupProbe: Probe | undefined = check
    ? { ...lifeAction(check), periodSeconds: period, timeoutSeconds: check.timeoutSeconds, failureThreshold: startupFailures }
    : // No health check: the readiness URL, polled for as long as the gate Docker runs would wait.
      { ...httpAction(readiness!), periodSeconds: period, timeoutSeconds: readiness!.timeoutSeconds, failureThreshold: Math.ceil((readiness!.withinSeconds ?? defaultReadyWithinSeconds) / period) };
  const livenessProbe: Probe | undefined = check
    ? { ...lifeAction(check), periodSeconds: check.intervalSeconds, timeoutSeconds: check.timeoutSeconds, failureThreshold: check.retries * livenessBudgetFactor }
    : undefined;
  const readinessProbe: Probe = readiness
    ? // One failure takes the pod out: a draining replica must leave the endpoints at once.
      { ...httpAction(readiness), periodSeconds: 2, timeoutSeconds: readiness.timeoutSeconds, failureThreshold: 1 }
    : // Docker routes to a container whatever its health; here an unready pod leaves its Service, so
      // only as many failures in a row as Docker needs to call it unhealthy take it out.
      { ...action(check!), periodSeconds: period, timeoutSeconds: check!.timeoutSeconds, failureThreshold: check!.retries };
  return { startupProbe, livenessProbe, readinessProbe };
}
