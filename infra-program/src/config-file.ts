import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import type * as docker from '@pulumi/docker';
import { renderJson, renderYaml } from './render';

export type ConfigFormat = 'yaml' | 'json';

export interface ConfigFileArgs {
  /** Absolute path of the file inside the container that reads it. */
  readonly path: string;
  readonly format: ConfigFormat;
  /** The typed document; may hold outputs of other resources. */
  readonly document: pulumi.Input<unknown>;
}

/**
 * One generated config file as a node of the graph. It is delivered as upload content (never a bind
 * mount), so the stack also works against a remote Docker host, and a change to it replaces exactly the
 * containers that upload it.
 */
export class ConfigFile extends pulumi.ComponentResource {
  readonly path: string;
  readonly format: ConfigFormat;
  readonly content: pulumi.Output<string>;
  /** Content hash, put on the reading container as a label so a diff shows which file changed. */
  readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: ConfigFileArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:config:File', name, { path: args.path, format: args.format }, opts);
    this.path = args.path;
    this.format = args.format;
    this.content = (pulumi.output(args.document) as pulumi.Output<unknown>).apply((document: unknown) => (args.format === 'yaml' ? renderYaml(document) : renderJson(document)));
    this.sha256 = this.content.apply((text) => createHash('sha256').update(text).digest('hex'));
    this.registerOutputs({ path: this.path, content: this.content, sha256: this.sha256 });
  }

  upload(): docker.types.input.ContainerUpload {
    return { file: this.path, content: this.content };
  }
}
