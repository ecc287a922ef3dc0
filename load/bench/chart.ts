/**
 * The benchmark's chart: telemetry-on throughput over telemetry-off, paired by round, per route and share of
 * traces recorded, as an SVG bar chart (bar: median of the rounds; whisker: their range), drawn from measured
 * reports only.
 */
import type { BenchReport } from './run.ts';

export interface ChartBar {
  readonly route: string;
  readonly samplePercent: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

/** One bar per (route, sampling) of the reports, in the reports' route order, samplings as given. */
export function chartBars(reports: readonly BenchReport[]): ChartBar[] {
  const routes = [...new Set(reports.flatMap((r) => r.summary.map((s) => s.route)))];
  return routes.flatMap((route) =>
    reports.flatMap((report) => {
      const summary = report.summary.find((s) => s.route === route);
      return summary ? [{ route, samplePercent: report.config.traceSamplePercent, ...summary.pairedOnOff }] : [];
    }),
  );
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function element(name: string, attributes: Record<string, string | number>, content?: string): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => `${key}="${escape(String(value))}"`)
    .join(' ');
  return content === undefined ? `<${name} ${attrs}/>` : `<${name} ${attrs}>${content}</${name}>`;
}

const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];

export function renderChart(reports: readonly BenchReport[], title: string): string {
  const bars = chartBars(reports);
  const routes = [...new Set(bars.map((b) => b.route))];
  const samplings = [...new Set(bars.map((b) => b.samplePercent))];
  const top = Math.max(1.2, ...bars.map((b) => b.max).filter(Number.isFinite)) * 1.05;
  const [width, height] = [160 + routes.length * (samplings.length * 34 + 40), 380];
  const plot = { left: 70, right: width - 20, top: 50, bottom: height - 70 };
  const y = (value: number) => plot.bottom - (Math.max(0, value) / top) * (plot.bottom - plot.top);
  const parts: string[] = [
    element('rect', { x: 0, y: 0, width, height, fill: 'white' }),
    element('text', { x: width / 2, y: 24, 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }, escape(title)),
  ];
  for (let tick = 0; tick <= top; tick += 0.2) {
    const at = y(tick);
    const parity = Math.abs(tick - 1) < 1e-9;
    parts.push(element('line', { x1: plot.left, x2: plot.right, y1: at, y2: at, stroke: parity ? '#444' : '#ddd', ...(parity ? { 'stroke-dasharray': '4 3' } : {}) }));
    parts.push(element('text', { x: plot.left - 6, y: at + 4, 'text-anchor': 'end', 'font-size': 11 }, tick.toFixed(1)));
  }
  parts.push(
    element('text', { x: 16, y: (plot.top + plot.bottom) / 2, transform: `rotate(-90 16 ${(plot.top + plot.bottom) / 2})`, 'text-anchor': 'middle', 'font-size': 12 }, 'throughput on / off (1.0 = free)'),
  );
  routes.forEach((route, r) => {
    const groupLeft = plot.left + 20 + r * (samplings.length * 34 + 40);
    samplings.forEach((percent, s) => {
      const bar = bars.find((b) => b.route === route && b.samplePercent === percent);
      if (!bar) return;
      const x = groupLeft + s * 34;
      const color = palette[s % palette.length]!;
      parts.push(element('rect', { x, y: y(bar.median), width: 26, height: plot.bottom - y(bar.median), fill: color, 'fill-opacity': 0.8 }));
      parts.push(element('line', { x1: x + 13, x2: x + 13, y1: y(bar.min), y2: y(bar.max), stroke: 'black' }));
      for (const end of [bar.min, bar.max]) parts.push(element('line', { x1: x + 8, x2: x + 18, y1: y(end), y2: y(end), stroke: 'black' }));
      parts.push(element('text', { x: x + 13, y: y(bar.max) - 4, 'text-anchor': 'middle', 'font-size': 9 }, bar.median.toFixed(2)));
    });
    parts.push(element('text', { x: groupLeft + (samplings.length * 34) / 2 - 4, y: plot.bottom + 18, 'text-anchor': 'middle', 'font-size': 12 }, escape(route)));
  });
  samplings.forEach((percent, s) => {
    const x = plot.left + s * 150;
    parts.push(element('rect', { x, y: height - 30, width: 12, height: 12, fill: palette[s % palette.length]!, 'fill-opacity': 0.8 }));
    parts.push(element('text', { x: x + 18, y: height - 20, 'font-size': 12 }, `${percent}% of traces recorded`));
  });
  const rounds = [...new Set(bars.map((b) => b.rounds))].join('/');
  parts.push(element('text', { x: plot.right, y: height - 20, 'text-anchor': 'end', 'font-size': 11 }, `bar: median of ${rounds} rounds; whisker: range`));
  return `${element('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'sans-serif' }, parts.join('\n'))}\n`;
}
