/**
 * promtool input series from a recording: six hours of history at the healthy phase's recorded rates (the
 * burn-rate windows are then full, the slowest case for an alert), the recorded steps as they came, then the
 * fault (or, for the healthy check, health) extended at its recorded rates for as long as the rules need. A
 * counter is extended at its rate over the second half of the phase (its steady state); a gauge repeats the
 * phase's last minute; a series that was silent through the last quarter of the fault (nothing arrived) stays
 * silent. A series absent while healthy (a status code only the fault produces) has no history.
 */
import { seriesName, type Recording } from './recording';

export const historyMinutes = 6 * 60;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

const isCounter = (key: string) => /_(total|count|bucket|sum)$/.test(seriesName(key));
const number = (v: number) => String(Number(v.toFixed(6)));

/** Rate per step between the first and last sample present among `indices`; undefined with fewer than two. */
function ratePerStep(values: ReadonlyArray<number | null>, indices: readonly number[]): number | undefined {
  const present = indices.filter((i) => values[i] !== null);
  if (present.length < 2) return undefined;
  const first = present[0]!;
  const last = present[present.length - 1]!;
  return (values[last]! - values[first]!) / (last - first);
}

export interface SeriesPlan {
  /** Steps from the start of the input to the first fault step: the fault starts at `historyMinutes`. */
  readonly faultStartStep: number;
  readonly totalSteps: number;
}

export function inputSeries(recording: Recording, opts: { faulted: boolean; minutesAfterFault: number }): { series: InputSeries[]; plan: SeriesPlan } {
  const stepsPerMinute = 60 / recording.stepSeconds;
  const healthy = recording.phases.flatMap((p, i) => (p === 'healthy' ? [i] : []));
  const fault = recording.phases.flatMap((p, i) => (p === 'fault' ? [i] : []));
  const firstFault = fault[0] ?? recording.phases.length;
  const historySteps = historyMinutes * stepsPerMinute - firstFault;
  if (historySteps < 0) throw new Error('the healthy recording is longer than the history');
  const totalSteps = (historyMinutes + opts.minutesAfterFault) * stepsPerMinute + 1;
  // The healthy check replays the healthy steps only, then extends health.
  const recorded = opts.faulted ? recording.phases.map((_, i) => i) : healthy;
  const tail = opts.faulted ? fault : healthy;
  const steady = tail.slice(Math.floor(tail.length / 2));
  const lastQuarter = tail.slice(Math.floor((tail.length * 3) / 4));
  const extensionSteps = totalSteps - historySteps - recorded.length;

  const series = Object.entries(recording.series).map(([key, values]) => {
    const out: string[] = [];
    const healthyPresent = healthy.filter((i) => values[i] !== null);
    const silentAtEnd = lastQuarter.every((i) => values[i] === null);
    if (isCounter(key)) {
      const healthyRate = ratePerStep(values, healthy) ?? 0;
      const firstPresent = recorded.find((i) => values[i] !== null);
      // With a healthy history, the recorded values continue a counter that ran six hours at the healthy rate.
      const shift = healthyPresent.length > 0 && firstPresent !== undefined ? historySteps * healthyRate - values[firstPresent]! : 0;
      if (healthyPresent.length > 0 && historySteps > 0) out.push(`0+${number(healthyRate)}x${historySteps - 1}`);
      else out.push(...Array.from({ length: historySteps }, () => '_'));
      let last: { value: number; at: number } | undefined;
      recorded.forEach((i, n) => {
        const v = values[i] ?? null;
        out.push(v === null ? '_' : number(v + shift));
        if (v !== null) last = { value: v + shift, at: n };
      });
      if (extensionSteps > 0) {
        const rate = ratePerStep(values, steady) ?? ratePerStep(values, tail) ?? 0;
        if (silentAtEnd || !last) out.push(...Array.from({ length: extensionSteps }, () => '_'));
        else out.push(`${number(last.value + rate * (recorded.length - last.at))}+${number(rate)}x${extensionSteps - 1}`);
      }
    } else {
      const cycle = (indices: readonly number[], length: number) => {
        const present = indices.filter((i) => values[i] !== null);
        if (present.length === 0) return Array.from({ length }, () => '_');
        return Array.from({ length }, (_, n) => number(values[present[n % present.length]!]!));
      };
      out.push(...cycle(healthy, historySteps));
      for (const i of recorded) out.push(values[i] === null ? '_' : number(values[i]!));
      if (extensionSteps > 0) {
        const lastMinute = tail.slice(-stepsPerMinute);
        out.push(...(silentAtEnd ? Array.from({ length: extensionSteps }, () => '_') : cycle(lastMinute, extensionSteps)));
      }
    }
    return { series: key, values: out.join(' ') };
  });
  return { series, plan: { faultStartStep: historySteps + firstFault, totalSteps } };
}
