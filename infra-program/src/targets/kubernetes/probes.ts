import type * as k8s from '@pulumi/kubernetes';
import type { HealthCheck, HttpCheck, PlatformContainerArgs } from '../../container';

type Probe = k8s.types.input.core.v1.Probe;

/** A part without a health check may take this long to become ready (Tempo's ring join, the Docker gate's longest wait). */
const defaultReadyWithinSeconds = 180;

export interface PartProbes {
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
}

/** The check's action: the kubelet's own HTTP GET where the part declared one, else its command. */
function action(check: HealthCheck): Pick<Probe, 'httpGet' | 'exec'> {
  if (check.httpGet) return { httpGet: { port: check.httpGet.port, path: check.httpGet.path } };
  const [form, ...rest] = check.tests;
  if (form === 'CMD') return { exec: { command: rest } };
  if (form === 'CMD-SHELL') return { exec: { command: ['/bin/sh', '-c', rest.join(' ')] } };
  throw new Error(`health check ${JSON.stringify(check.tests)} is neither CMD nor CMD-SHELL`);
}

function httpAction(check: HttpCheck): Pick<Probe, 'httpGet'> {
  return { httpGet: { port: check.port, path: check.path } };
}

/**
 * The part's Docker health check as Kubernetes probes, with the same timings. Docker's start period
 * (failures do not count, the first success counts) is a startup probe that allows the start period plus
 * the retries; after it, liveness restarts a part that fails `retries` checks in a row, as Docker's
 * `unless-stopped` restarts one that exits. Readiness (what Services route by, and what `pulumi up`
 * waits for) is the part's declared readiness URL, else the same check.
 */
export function probesOf(args: PlatformContainerArgs): PartProbes {
  const check = args.healthcheck;
  const readiness = args.readiness;
  if (!check && !readiness) return {};
  const period = check?.intervalSeconds ?? 5;
  const startupFailures = check ? Math.ceil(check.startPeriodSeconds / check.intervalSeconds) + check.retries : 0;
  const startupProbe: Probe | undefined = check
    ? { ...action(check), periodSeconds: period, timeoutSeconds: check.timeoutSeconds, failureThreshold: startupFailures }
    : // No health check: the readiness URL, polled for as long as the gate Docker runs would wait.
      { ...httpAction(readiness!), periodSeconds: period, timeoutSeconds: readiness!.timeoutSeconds, failureThreshold: Math.ceil((readiness!.withinSeconds ?? defaultReadyWithinSeconds) / period) };
  const livenessProbe: Probe | undefined = check
    ? { ...action(check), periodSeconds: check.intervalSeconds, timeoutSeconds: check.timeoutSeconds, failureThreshold: check.retries }
    : undefined;
  const readinessProbe: Probe = readiness
    ? // One failure takes the pod out: a draining replica must leave the endpoints at once.
      { ...httpAction(readiness), periodSeconds: 2, timeoutSeconds: readiness.timeoutSeconds, failureThreshold: 1 }
    : // Docker routes to a container whatever its health; here an unready pod leaves its Service, so
      // only as many failures in a row as Docker needs to call it unhealthy take it out.
      { ...action(check!), periodSeconds: period, timeoutSeconds: check!.timeoutSeconds, failureThreshold: check!.retries };
  return { startupProbe, livenessProbe, readinessProbe };
}
