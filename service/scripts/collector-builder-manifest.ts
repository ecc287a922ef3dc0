/**
 * The Collector builder's manifest (the file `ocb --config` reads; its schema is cmd/builder
 * internal/builder/config.go at v0.161.0), made from the lab's typed description of its distribution.
 */
import type { CollectorBuilderProgram, GoModuleVersion } from '../test/support/programs';

interface BuilderModule {
  gomod: string;
}

export interface CollectorBuilderManifest {
  dist: { module: string; name: string; description: string; version: string; output_path: string; build_tags: string };
  receivers: BuilderModule[];
  processors: BuilderModule[];
  exporters: BuilderModule[];
  extensions: BuilderModule[];
  providers: BuilderModule[];
}

const gomod = ({ module, version }: GoModuleVersion): BuilderModule => ({ gomod: `${module} ${version}` });

/** `outputPath`: where the builder writes the generated source and the binary. */
export function collectorBuilderManifest(program: CollectorBuilderProgram, outputPath: string): CollectorBuilderManifest {
  const { distribution, components } = program;
  return {
    dist: {
      module: distribution.module,
      name: distribution.name,
      description: distribution.description,
      version: distribution.version,
      output_path: outputPath,
      build_tags: distribution.buildTags.join(','),
    },
    receivers: components.receivers.map(gomod),
    processors: components.processors.map(gomod),
    exporters: components.exporters.map(gomod),
    extensions: components.extensions.map(gomod),
    providers: program.confmapProviders.map(gomod),
  };
}
