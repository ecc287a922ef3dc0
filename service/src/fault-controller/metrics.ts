import type { FaultDeclaration } from './declaration';
import { faultMetrics as m } from './metric-names';

export interface ControllerSnapshot {
  readonly declaration: FaultDeclaration;
  /** Unix seconds; undefined until the declaration was first fully applied. */
  readonly appliedAt?: number;
  readonly lastSuccessAt?: number;
  readonly toxiproxyUp: boolean;
  readonly reconciles: Readonly<Record<'success' | 'error', number>>;
  /** Keyed by link then action. */
  readonly changes: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

type Labels = Record<string, string>;
interface Family {
  readonly name: string;
  readonly type: 'gauge' | 'counter';
  readonly help: string;
  readonly samples: ReadonlyArray<readonly [Labels, number]>;
}

/** The faults a declaration puts in place, one entry per lab_fault_active series, with their settings. */
function declaredFaults(declaration: FaultDeclaration): Array<{ link: string; fault: string; settings: Record<string, number> }> {
  const faults: Array<{ link: string; fault: string; settings: Record<string, number> }> = [];
  for (const proxy of declaration.proxies) {
    if (!proxy.enabled) faults.push({ link: proxy.name, fault: 'down', settings: {} });
    for (const toxic of proxy.toxics) faults.push({ link: proxy.name, fault: toxic.type, settings: { ...toxic.attributes, toxicity: toxic.toxicity } });
  }
  for (const flag of declaration.flags) faults.push({ link: 'app', fault: flag.key, settings: { value: Number(flag.value) } });
  return faults;
}

/** Prometheus text exposition format 0.0.4. */
export function renderMetrics(snapshot: ControllerSnapshot): string {
  const faults = declaredFaults(snapshot.declaration);
  const families: Family[] = [
    {
      name: m.active.name,
      type: 'gauge',
      help: 'Declared faults: 1 per toxic (fault=type) or disabled proxy (fault="down") on link=<proxy>, and per fault flag (link="app", fault=<flag key>).',
      samples: faults.map(({ link, fault }) => [{ link, fault }, 1]),
    },
    {
      name: m.setting.name,
      type: 'gauge',
      help: 'Settings of the declared faults: toxic attributes (Toxiproxy units: ms, KB/s, bytes, us) and toxicity; a flag\'s value.',
      samples: faults.flatMap(({ link, fault, settings }) => Object.entries(settings).map(([setting, value]): [Labels, number] => [{ link, fault, setting }, value])),
    },
    {
      name: m.appliedTimestamp.name,
      type: 'gauge',
      help: 'Unix time when the current fault declaration was first fully applied to Toxiproxy.',
      samples: snapshot.appliedAt === undefined ? [] : [[{}, snapshot.appliedAt]],
    },
    {
      name: m.lastSuccessTimestamp.name,
      type: 'gauge',
      help: 'Unix time of the last reconciliation that left Toxiproxy equal to the declaration.',
      samples: snapshot.lastSuccessAt === undefined ? [] : [[{}, snapshot.lastSuccessAt]],
    },
    {
      name: m.reconciles.name,
      type: 'counter',
      help: 'Reconciliations of Toxiproxy against the fault declaration, by outcome.',
      samples: (['success', 'error'] as const).map((outcome) => [{ outcome }, snapshot.reconciles[outcome]]),
    },
    {
      name: m.changes.name,
      type: 'counter',
      help: 'Changes the controller made through Toxiproxy\'s API, by link and action.',
      samples: [...snapshot.changes].flatMap(([link, actions]) => [...actions].map(([action, count]): [Labels, number] => [{ link, action }, count])),
    },
    {
      name: m.toxiproxyUp.name,
      type: 'gauge',
      help: '1 when Toxiproxy\'s API answered the last listing of its proxies, else 0.',
      samples: [[{}, snapshot.toxiproxyUp ? 1 : 0]],
    },
  ];
  return families.map(renderFamily).join('');
}

function renderFamily({ name, type, help, samples }: Family): string {
  const lines = [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) lines.push(`${name}${renderLabels(labels)} ${formatValue(value)}`);
  return `${lines.join('\n')}\n`;
}

function renderLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

const formatValue = (value: number) => (Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN');
