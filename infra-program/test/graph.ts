/**
 * Reads the recorded resources back as a graph of containers: who joins which network, what each one
 * listens on (read from its own config, command or env, not from the program's address objects), and
 * which host:port each one talks to.
 */
import { parse as parseYaml } from 'yaml';
import { mockPulled, type Recorded } from './harness';
import { flagd0161, toxiproxy212 } from './upstream-keys';

const secretSig = '4dabf18193072939515e22adb298388d';

/** Strips Pulumi's secret wrappers from mock inputs. */
export function unwrap(value: any): any {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === 'object') {
    if (secretSig in value) return unwrap(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

export function isSecretValue(value: any): boolean {
  return value !== null && typeof value === 'object' && secretSig in value;
}

export interface Upload {
  readonly file: string;
  readonly content: string;
  readonly document: unknown;
}

export interface ContainerView {
  readonly logicalName: string;
  readonly name: string;
  /** The image name as pinned (`postgres:18.6`), read back from the RemoteImage the container runs. */
  readonly image: string;
  /** What the container's `image` input actually is: a repo digest or an image id. */
  readonly imageRef: string;
  readonly networks: string[];
  readonly env: Record<string, string>;
  readonly command: string[];
  readonly entrypoints: string[];
  readonly uploads: Upload[];
  readonly ports: { internal: number; external?: number; ip?: string }[];
  readonly volumes: { volumeName?: string; hostPath?: string; containerPath: string }[];
  readonly labels: Record<string, string>;
  readonly healthcheck?: { tests: string[] };
  readonly oneShot: boolean;
  readonly raw: Recorded;
}

function parseDocument(file: string, content: string): unknown {
  if (file.endsWith('.json')) return JSON.parse(content);
  if (file.endsWith('.yaml') || file.endsWith('.yml')) return parseYaml(content);
  return content;
}

export function containers(resources: Recorded[]): ContainerView[] {
  // A container runs a RemoteImage's repo digest or id: read back the image name it was pulled as.
  const pulledAs = new Map<string, string>();
  for (const r of resources.filter((r) => r.type === 'docker:index/remoteImage:RemoteImage')) {
    const pulled = mockPulled(r.inputs.name);
    pulledAs.set(pulled.imageId, r.inputs.name);
    if (pulled.repoDigest) pulledAs.set(pulled.repoDigest, r.inputs.name);
  }
  return resources
    .filter((r) => r.type === 'docker:index/container:Container')
    .map((r) => {
      const inputs = unwrap(r.inputs);
      const env = Object.fromEntries(
        (inputs.envs ?? []).map((entry: string) => {
          const at = entry.indexOf('=');
          return [entry.slice(0, at), entry.slice(at + 1)];
        }),
      );
      return {
        logicalName: r.name,
        name: inputs.name,
        image: pulledAs.get(inputs.image) ?? inputs.image,
        imageRef: inputs.image,
        networks: (inputs.networksAdvanced ?? []).map((n: { name: string }) => n.name),
        env,
        command: inputs.command ?? [],
        entrypoints: inputs.entrypoints ?? [],
        uploads: (inputs.uploads ?? []).map((u: { file: string; content: string }) => ({
          file: u.file,
          content: u.content,
          document: parseDocument(u.file, u.content),
        })),
        ports: inputs.ports ?? [],
        volumes: inputs.volumes ?? [],
        labels: Object.fromEntries((inputs.labels ?? []).map((l: { label: string; value: string }) => [l.label, l.value])),
        healthcheck: inputs.healthcheck,
        oneShot: inputs.attach === true,
        raw: r,
      };
    });
}

export function byPart(views: ContainerView[], part: string): ContainerView {
  const found = views.find((v) => v.labels['lab.part'] === part);
  if (!found) throw new Error(`no container for part ${part}`);
  return found;
}

function portOf(address: string): number {
  const match = /:(\d+)$/.exec(address);
  if (!match) throw new Error(`no port in listen address "${address}"`);
  return Number(match[1]);
}

function flag(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    if (arg === name) return args[i + 1];
  }
  return undefined;
}

/** The parsed document a container gets uploaded at a path ending in `suffix`. */
export function upload(view: ContainerView, suffix: string): any {
  const file = view.uploads.find((u) => u.file.endsWith(suffix));
  if (!file) throw new Error(`${view.name} has no uploaded ${suffix}`);
  return file.document;
}

/**
 * The ports a container's server binds, read from what the server itself is told (its config file,
 * flags or env) or, where nothing overrides it, the image's documented default.
 */
export function listenPorts(view: ContainerView): number[] {
  // A one-shot job serves nothing (a readiness probe runs the Prometheus image, but not Prometheus).
  if (view.oneShot) return [];
  const image = view.image;
  const shellWords = view.command.join(' ').split(/\s+/);
  if (image.startsWith('postgres:')) {
    if (view.env.PGPORT) return [Number(view.env.PGPORT)];
    return [5432];
  }
  if (image.startsWith('redis:')) {
    // The port directive of the uploaded redis.conf (quoted by the renderer), else the default.
    const conf = view.uploads.find((u) => u.file.endsWith('.conf'))?.content ?? '';
    const port = /^port "?(\d+)"?$/m.exec(conf)?.[1];
    return [Number(port ?? flag(shellWords, '--port') ?? 6379)];
  }
  if (image.includes('/minio/minio:')) {
    return [portOf(flag(view.command, '--address') ?? ':9000'), portOf(flag(view.command, '--console-address') ?? '')];
  }
  if (image.includes('postgres-exporter')) return [portOf(flag(view.command, '--web.listen-address') ?? ':9187')];
  if (image.includes('redis_exporter')) return [portOf(view.env.REDIS_EXPORTER_WEB_LISTEN_ADDRESS ?? ':9121')];
  if (image.includes('opentelemetry-collector')) {
    const config = upload(view, 'config.yaml');
    const ports = Object.values(config.receivers.otlp.protocols).map((p: any) => portOf(p.endpoint));
    for (const reader of config.service.telemetry.metrics.readers) ports.push(reader.pull.exporter.prometheus.port);
    ports.push(portOf(config.extensions.health_check.endpoint));
    return ports;
  }
  if (image.startsWith('grafana/tempo:')) {
    const config = upload(view, 'tempo.yaml');
    return [
      config.server.http_listen_port,
      config.server.grpc_listen_port,
      ...Object.values(config.distributor.receivers.otlp.protocols).map((p: any) => portOf(p.endpoint)),
    ];
  }
  if (image.startsWith('grafana/pyroscope:')) {
    const config = upload(view, 'lab.yaml');
    return [config.server.http_listen_port, config.server.grpc_listen_port];
  }
  if (image.startsWith('grafana/loki:')) {
    const config = upload(view, 'config.yaml');
    return [config.server.http_listen_port, config.server.grpc_listen_port];
  }
  if (image.startsWith('prom/prometheus:')) return [portOf(flag(view.command, '--web.listen-address') ?? ':9090')];
  if (image.startsWith('prom/alertmanager:')) return [portOf(flag(view.command, '--web.listen-address') ?? ':9093')];
  if (image.startsWith('grafana/grafana:')) return [Number(view.env.GF_SERVER_HTTP_PORT ?? 3000)];
  if (image.startsWith('traefik:')) {
    const config = upload(view, 'traefik.yml');
    return Object.values(config.entryPoints).map((e: any) => portOf(e.address));
  }
  if (image.startsWith('ghcr.io/shopify/toxiproxy:')) {
    // Its API (`-port`, default 8474) and each proxy of its `-config` file.
    const proxies = upload(view, 'proxies.json') as { listen: string }[];
    return [Number(flag(view.command, '-port') ?? toxiproxy212.apiPortDefault), ...proxies.map((proxy) => portOf(proxy.listen))];
  }
  if (image.startsWith('ghcr.io/open-feature/flagd:')) {
    return Object.entries(flagd0161.portDefaults).map(([name, port]) => Number(flag(view.command, `--${name}`) ?? port));
  }
  if (view.env.PORT) return [Number(view.env.PORT)];
  return [];
}

/** Every string in a value, deeply. */
export function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

export interface Reference {
  readonly from: ContainerView;
  readonly host: string;
  readonly port: number;
  readonly where: string;
}

/**
 * Every `host:port` a container is configured to reach whose host is a container of the graph: in its
 * env, its command, and every string of its uploaded config files.
 */
export function references(views: ContainerView[]): Reference[] {
  const names = new Set(views.map((v) => v.name));
  const found: Reference[] = [];
  const pattern = /(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s"']*@)?([a-zA-Z0-9][a-zA-Z0-9_.-]*):(\d{2,5})/g;
  for (const view of views) {
    const sources: [string, string][] = [
      ...Object.entries(view.env).map(([k, v]): [string, string] => [`env ${k}`, v]),
      ...view.command.map((c): [string, string] => ['command', c]),
      ...view.uploads.flatMap((u) => strings(u.document).map((s): [string, string] => [u.file, s])),
    ];
    for (const [where, text] of sources) {
      for (const match of text.matchAll(pattern)) {
        const host = match[1]!;
        if (names.has(host)) found.push({ from: view, host, port: Number(match[2]), where });
      }
    }
  }
  return found;
}
