/**
 * What each /simulate/* endpoint of the service does, and the signal that shows it. The failure lab
 * renders one row per scenario from this list.
 */
import { database, http, runtime, tasks } from '../queries/service-queries';
import { serviceLevelObjectives } from '../slo/slo';

const latencySli = serviceLevelObjectives.map((s) => s.sli).find((sli) => sli.kind === 'latency');
const latencyThreshold = latencySli?.kind === 'latency' ? latencySli.thresholdSeconds : 0.5;

export interface FailureScenario {
  /** Regex over http.route, matching the endpoint(s) of the scenario. */
  routeRegex: string;
  title: string;
  howToTrigger: string;
  whatToExpect: string;
  /** The scenario-specific signal, beyond the route's rate/errors/latency. */
  signal: { title: string; unit: string; queries: Array<{ expr: string; legend: string }> };
}

export const failureScenarios: readonly FailureScenario[] = [
  {
    routeRegex: '/simulate/latency',
    title: 'Injected latency',
    howToTrigger: '`GET /simulate/latency?ms=800&jitter=200`',
    whatToExpect:
      'p99 of the route climbs to ms ± jitter and the latency SLO burns. The trace shows one long SERVER span with no slow child: the time is spent in the handler itself.',
    signal: {
      title: `Requests over the ${latencyThreshold * 1000} ms SLO threshold`,
      unit: 'percentunit',
      queries: [
        { expr: http.slowShare('/simulate/latency', latencyThreshold), legend: 'slow share' },
      ],
    },
  },
  {
    routeRegex: '/simulate/error',
    title: 'Injected errors',
    howToTrigger: '`GET /simulate/error?rate=0.3`',
    whatToExpect:
      'About that share of requests answer 500: the error ratio and availability burn rate rise, error logs appear with a trace_id, and the failing SERVER spans carry status=error.',
    signal: { title: 'Server error ratio', unit: 'percentunit', queries: [{ expr: http.errorRatio('/simulate/error'), legend: '{{http_route}}' }] },
  },
  {
    routeRegex: '/simulate/heavy-task.*',
    title: 'Heavy background task',
    howToTrigger: '`POST /simulate/heavy-task` (202 with a taskId), then poll `GET /simulate/heavy-task/:id`',
    whatToExpect:
      'The task queue fills and CPU work blocks the event loop: event-loop delay rises on that replica and every route on it slows down, not only the task route.',
    signal: {
      title: 'Task queue, task p95 and event loop delay',
      unit: 'short',
      queries: [
        { expr: tasks.queueDepth(), legend: 'queued {{task_type}}' },
        { expr: tasks.durationP95(), legend: 'task p95 {{task_type}} {{task_outcome}} (s)' },
        { expr: runtime.eventLoopDelayP99(), legend: 'event loop p99 {{instance}} (s)' },
      ],
    },
  },
  {
    routeRegex: '/simulate/slow-query',
    title: 'Slow SQL query',
    howToTrigger: '`GET /simulate/slow-query?ms=1500`',
    whatToExpect:
      'Database p99 rises for the operation; in the trace the SERVER span is almost entirely one CLIENT span to Postgres whose db.query.text shows the statement. Connections stay busy meanwhile.',
    signal: { title: 'Database p99 by operation', unit: 's', queries: [{ expr: database.p99ByOperation(), legend: '{{db_operation_name}}' }] },
  },
];
