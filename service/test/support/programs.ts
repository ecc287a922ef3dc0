/**
 * The real programs the tests run beside the service, built here from their Go modules at the versions the
 * lab pins (`npm run programs` builds what is missing): the test talks to the program, not to a double.
 * A program that is not built fails the test that needs it, naming the command that builds it; it never
 * skips in silence.
 *
 * flagd is not here: the Go module proxy this machine reaches refuses github.com/open-feature/flagd/flagd at
 * v0.16.1 and its version list (403 "not available"); v0.16.0 downloads but needs flagd/core v0.15.6, refused
 * too, and core v0.15.5 needs open-feature-operator/api v0.2.47, refused too (checked 2026-12-07). The flag
 * tests keep flagd's sync API double (flag-sync-server.ts) for that reason.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Built by `go build` inside the module as the Go module proxy serves it (its own go.mod and go.sum). */
export interface GoModuleProgram {
  readonly kind: 'go-module';
  /** The module path and version, as the proxy serves them. */
  readonly module: string;
  readonly moduleVersion: string;
  /** Each binary the program ships, and its main package relative to the module root. */
  readonly mainPackages: Readonly<Record<string, string>>;
  /** The build tags the project's own release build passes. */
  readonly buildTags?: readonly string[];
  /** `-X` settings the project's own release build passes (its version string, say). */
  readonly linkerSettings?: readonly string[];
  /**
   * Files a `go:embed` needs that the module as served does not contain (the project's release build
   * generates them first): the build then runs in a copy of the module with these files added, relative to
   * the module root. Everything they stand in for is missing from the binary; say what in `withoutUpstream`.
   */
  readonly embedPlaceholders?: Readonly<Record<string, string>>;
  /** What the binary lacks against the project's release, because of the placeholders. */
  readonly withoutUpstream?: string;
}

/** A Go module at an exact version, as the Collector builder's manifest names it (`gomod: <module> <version>`). */
export interface GoModuleVersion {
  readonly module: string;
  readonly version: string;
}

/**
 * A Collector distribution made by the Collector's own builder (ocb) from the components it lists, the way
 * the project's releases are made (opentelemetry-collector-releases `distributions/*\/manifest.yaml`).
 */
export interface CollectorBuilderProgram {
  readonly kind: 'collector-builder';
  /** The builder, a Go module built like any other (its main package is the module root). */
  readonly builder: GoModuleVersion;
  readonly distribution: {
    /** The Go module path of the generated source. */
    readonly module: string;
    /** The binary's name. */
    readonly name: string;
    readonly description: string;
    readonly version: string;
    readonly buildTags: readonly string[];
  };
  readonly components: Readonly<Record<CollectorComponentKind, readonly GoModuleVersion[]>>;
  /** Where the Collector can read its config from (`--config=<scheme>:...`); not components of a config. */
  readonly confmapProviders: readonly GoModuleVersion[];
}

export type CollectorComponentKind = 'receivers' | 'processors' | 'exporters' | 'extensions';

export interface RealProgram {
  /** The version the lab pins (its image tag, without a leading v). */
  readonly version: string;
  readonly build: GoModuleProgram | CollectorBuilderProgram;
}

/**
 * The versions the contrib image is built from: its release manifest (opentelemetry-collector-releases
 * distributions/otelcol-contrib/manifest.yaml; read at v0.159.0, the newest tag the stored snapshot has) names
 * every contrib and beta core component at the release's own version and the stable core modules (the config
 * providers) at the matching v1 (v0.159.0 with v1.65.0); cmd/builder v0.161.0 pairs v0.161.0 with v1.67.0
 * (DefaultBetaOtelColVersion, DefaultStableOtelColVersion). The builder's strict versioning then refuses a
 * component whose resolved version is not the one listed, or a core that is not 0.161.
 */
const contrib161 = (module: string): GoModuleVersion => ({ module: `github.com/open-telemetry/opentelemetry-collector-contrib/${module}`, version: 'v0.161.0' });
const core161 = (module: string): GoModuleVersion => ({ module: `go.opentelemetry.io/collector/${module}`, version: 'v0.161.0' });
const coreStable167 = (module: string): GoModuleVersion => ({ module: `go.opentelemetry.io/collector/${module}`, version: 'v1.67.0' });

export const realPrograms = {
  toxiproxy: {
    version: '2.12.0',
    build: {
      kind: 'go-module',
      module: 'github.com/Shopify/toxiproxy/v2',
      moduleVersion: 'v2.12.0',
      mainPackages: { 'toxiproxy-server': 'cmd/server' },
      // As its .goreleaser.yml sets it, so `-version` says 2.12.0.
      linkerSettings: ['github.com/Shopify/toxiproxy/v2.Version=2.12.0'],
    },
  },
  /**
   * Only the components the lab's generated config names (infra-program/src/configs/collector.ts; an
   * infra-program test holds the two together), each at the version the contrib 0.161.0 image ships, and
   * the core config providers the release has (the contrib release adds aes, s3, secretsmanager and
   * googlesecretmanager, which the lab does not read from).
   */
  collector: {
    version: '0.161.0',
    build: {
      kind: 'collector-builder',
      builder: { module: 'go.opentelemetry.io/collector/cmd/builder', version: 'v0.161.0' },
      distribution: {
        module: 'observability-lab/otelcol-lab',
        name: 'otelcol-lab',
        description: "The OpenTelemetry Collector with the components the lab's config names, at contrib 0.161.0's versions",
        version: '0.161.0',
        // As the contrib release builds (its manifest's build_tags).
        buildTags: ['grpcnotrace'],
      },
      components: {
        receivers: [core161('receiver/otlpreceiver')],
        processors: [core161('processor/memorylimiterprocessor'), contrib161('processor/transformprocessor')],
        exporters: [core161('exporter/otlpexporter'), core161('exporter/otlphttpexporter')],
        extensions: [contrib161('extension/healthcheckextension')],
      },
      confmapProviders: ['envprovider', 'fileprovider', 'httpprovider', 'httpsprovider', 'yamlprovider'].map((provider) =>
        coreStable167(`confmap/provider/${provider}`),
      ),
    },
  },
  /**
   * Alertmanager and amtool from the v0.34.2 module. Its web UI is an Elm/React build (`make ui-elm`) that the
   * release embeds from ui/app/dist, which the module zip does not contain and no build tag leaves out: the
   * build adds a one-page placeholder there. The API, routing, inhibition, silences, notifications and amtool
   * are the release's code; only the web UI at `/` is missing.
   */
  alertmanager: {
    version: '0.34.2',
    build: {
      kind: 'go-module',
      module: 'github.com/prometheus/alertmanager',
      moduleVersion: 'v0.34.2',
      mainPackages: { alertmanager: 'cmd/alertmanager', amtool: 'cmd/amtool' },
      // As its .promu.yml builds (tags, and the version `--version` prints).
      buildTags: ['netgo'],
      linkerSettings: ['github.com/prometheus/common/version.Version=0.34.2'],
      embedPlaceholders: {
        'ui/app/dist/index.html':
          '<!doctype html><title>Alertmanager</title><p>This Alertmanager was built without its web UI (observability-lab npm run programs).</p>\n',
      },
      withoutUpstream: 'the web UI (ui/app/dist)',
    },
  },
} as const satisfies Record<string, RealProgram>;

export type RealProgramName = keyof typeof realPrograms;

/** The binaries a program ships: one per main package, or the Collector distribution's one. */
export function programBinaries(name: RealProgramName): readonly string[] {
  const { build } = realPrograms[name] as RealProgram;
  return build.kind === 'go-module' ? Object.keys(build.mainPackages) : [build.distribution.name];
}

/** Where built programs, the Go module cache and the Go build cache live: reused by every later run. */
export function labCacheDir(): string {
  return process.env.LAB_CACHE_DIR ?? path.join(homedir(), '.cache', 'observability-lab');
}

export function programFolder(name: RealProgramName): string {
  return path.join(labCacheDir(), 'programs', `${name}-${realPrograms[name].version}`);
}

/** A binary's path in its program's folder (the program's first binary when none is named). */
export function programBinaryPath(name: RealProgramName, binary: string = programBinaries(name)[0]!): string {
  if (!programBinaries(name).includes(binary)) throw new Error(`${name} ships no binary ${binary} (it ships ${programBinaries(name).join(', ')})`);
  return path.join(programFolder(name), binary);
}

/** The built binary's path; throws, naming the command that builds it, when it is not there. */
export function programPath(name: RealProgramName, binary?: string): string {
  const file = programBinaryPath(name, binary);
  if (!existsSync(file)) {
    throw new Error(`${name} ${realPrograms[name].version} is not built (${file} is missing): run \`npm run programs\``);
  }
  return file;
}
