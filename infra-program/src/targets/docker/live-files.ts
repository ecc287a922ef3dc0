import type * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';
import { liveFileNames, type PlatformContainerArgs } from '../../container';

/** Where the writer finds the files it was given, and where it sees the part's volume. */
const staging = '/staging';
const target = '/live';

/**
 * The writer's script: each file copied next to its final name, then renamed over it. A rename is atomic,
 * so the part never reads half a file; and a watcher of the old file sees it removed, as a Kubernetes
 * ConfigMap update removes it (flagd's file sync re-adds its watch on that event and reads the new file:
 * core v0.15.6 pkg/sync/file/filepath_sync.go).
 */
export function liveFilesScript(names: readonly string[]): string {
  return [
    'set -eu',
    ...names.map((name) => `cp "${staging}/${name}" "${target}/.${name}.new" && mv -f "${target}/.${name}.new" "${target}/${name}"`),
    `echo "wrote ${names.join(' ')}"`,
  ].join('\n');
}

export interface LiveFilesOnDocker {
  /** The part's mount of the volume the files live in. */
  readonly mount: { readonly volumeName: pulumi.Input<string>; readonly containerPath: string };
  /** The one-shot writer: the part is created after its first run, and never depends on it otherwise. */
  readonly writer: pulumi.Resource;
}

/**
 * A part's live files on Docker: a named volume, and a one-shot writer container that gets the files as
 * uploads and renames them into the volume. A content change replaces the writer alone (uploads are
 * ForceNew in kreuzwerker v4.5.0), which runs again; the part's own inputs name only the volume, which never
 * changes, so it keeps running and sees the files change under it.
 */
export function dockerLiveFiles(
  args: PlatformContainerArgs,
  opts: pulumi.CustomResourceOptions,
  make: {
    readonly volume: (part: string) => { readonly name: pulumi.Output<string> };
    readonly container: (args: PlatformContainerArgs, opts: pulumi.CustomResourceOptions) => docker.Container;
  },
): LiveFilesOnDocker | undefined {
  const live = args.liveFiles;
  if (!live) return undefined;
  const names = liveFileNames(live);
  const volume = make.volume(`${args.part}-live`);
  const writer = make.container(
    {
      naming: args.naming,
      part: `${args.part}-files`,
      image: live.writerImage,
      networks: [],
      entrypoints: ['/bin/sh', '-c'],
      command: [liveFilesScript(names)],
      extraUploads: live.files.map((file, index) => ({ file: `${staging}/${names[index]}`, content: file.content })),
      volumes: [{ volumeName: volume.name, containerPath: target }],
      // The content hashes, as any part's config files: a diff shows which file changed.
      labels: Object.fromEntries(live.files.map((file, index) => [`lab.live.${names[index]}`, file.sha256])),
      memoryMb: 32,
      oneShot: true,
    },
    opts,
  );
  return { mount: { volumeName: volume.name, containerPath: live.directory }, writer };
}
