import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';

/**
 * A pinned image pulled by a `RemoteImage` (through the lab's Docker provider, so with its registry
 * credentials) instead of by the containers themselves: the provider then removes it on `pulumi destroy`
 * unless `keepLocally` is set. The image as a container takes it: its repo digest (`repo@sha256:...`), the
 * exact content pulled, which the provider can pull again by digest if the local copy went missing; the
 * image id when the image has no repo digest. Using the output also orders the container after the pull,
 * and its deletion before the image's.
 */
export function dockerPullImage(key: string, name: string, options: { keepLocally: boolean; parent: pulumi.Resource }): pulumi.Output<string> {
  const image = new docker.RemoteImage(`image-${key}`, { name, keepLocally: options.keepLocally }, { parent: options.parent });
  return pulumi.all([image.repoDigest, image.imageId]).apply(([repoDigest, imageId]) => repoDigest || imageId);
}

/**
 * Built on the host, never pushed, and run by its id, with a `RemoteImage` named by that id that removes it
 * on destroy (docker.Image deletes nothing: pulumi-docker provider.go).
 */
export function dockerBuildImage(
  name: string,
  args: { imageName: string; context: string; dockerfile: string; keepLocally: boolean },
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const image = new docker.Image(
    name,
    { imageName: `${args.imageName}:local`, build: { context: args.context, dockerfile: args.dockerfile }, skipPush: true },
    opts,
  );
  // A RemoteImage named by the built image's id finds it locally (no pull) and removes it when it is
  // destroyed, or replaced after a rebuild (new id): neither the last build nor the ones before it stay
  // behind. Forced, so an extra tag someone added does not block it. For a local image repoDigest is the
  // image id: a rebuild changes it and so rolls the replicas.
  const built = new docker.RemoteImage(`${name}-local`, { name: image.repoDigest, keepLocally: args.keepLocally, forceRemove: true }, opts);
  return built.imageId;
}
