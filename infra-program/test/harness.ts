/**
 * Runs the program under Pulumi mocks (no CLI, no Docker) and records every resource it registers, in
 * the order the engine would see them. One test file per process: the mocks live on a global.
 */
import * as pulumi from '@pulumi/pulumi';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRegistryAuth } from '../src/docker-provider';
import { buildPlatform } from '../src/platform';
import { readSettings } from '../src/settings';

// Internal (exported by the module, absent from its typings): the drain `pulumi.runtime.disconnect`
// performs, without disconnecting.
const { waitForRPCs } = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };

export const project = 'observability-lab';
/** Every generated secret's mock value starts with this, so a test can trace where secrets flow. */
export const mockSecretPrefix = 'mock-secret-';

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
  readonly parent?: string;
  /** The provider reference (`urn::id`) the resource was registered with, if any. */
  readonly provider?: string;
  /** Resource options the engine receives that mocks do not pass on (read off the register request). */
  readonly replaceOnChanges: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** `customTimeouts.create` as registered (a Go duration), or '' when none. */
  readonly createTimeout: string;
  /**
   * The URNs this resource depends on (dependsOn and every output its inputs took): when one of them is
   * replaced delete-before-create, Pulumi replaces this one too if a changed input would (step_generator.go).
   */
  readonly dependencies: readonly string[];
  /** Registration order: a resource whose inputs wait on another's outputs registers after it. */
  readonly registeredAt: number;
  completedAt: number;
}

export interface RunOptions {
  readonly stack?: string;
  readonly config?: Record<string, string>;
  /** Milliseconds a resource's creation takes, by logical name: proves dependents wait for it. */
  readonly delays?: Record<string, number>;
  /** Exit codes of one-shot containers, by logical name (default 0). */
  readonly exitCodes?: Record<string, number>;
  /** Config keys (without the project prefix) set as secrets, as `pulumi config set --secret` does. */
  readonly secretKeys?: readonly string[];
}

let runCounter = 0;

/**
 * The options of each register request, by `type::name`. Pulumi's mocks hand `newResource` only the inputs,
 * so the mock monitor's register call is wrapped once to read the options the engine would act on.
 */
const registeredOptions = new Map<
  string,
  { replaceOnChanges: string[]; ignoreChanges: string[]; deleteBeforeReplace: boolean; createTimeout: string; dependencies: string[] }
>();
{
  // Internal (exported by the module, absent from its typings).
  const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks') as { MockMonitor: { prototype: { registerResource(req: any, callback: any): unknown } } };
  const register = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, callback: any) {
    registeredOptions.set(`${req.getType()}::${req.getName()}`, {
      replaceOnChanges: req.getReplaceonchangesList(),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      createTimeout: req.getCustomtimeouts()?.getCreate() ?? '',
      dependencies: req.getDependenciesList(),
    });
    return register.call(this, req, callback);
  };
}

/**
 * What the provider reads back for an image it found or pulled: the id, and for a pulled image its repo
 * digest (`repo@sha256:...`, no tag); a local build (named by its id) has none (`determineRepoDigest`).
 */
export function mockPulled(name: string): { imageId: string; repoDigest: string } {
  if (name.startsWith('sha256:')) return { imageId: name, repoDigest: '' };
  const digest = createHash('sha256').update(name).digest('hex');
  const repository = name.slice(0, name.lastIndexOf(':'));
  return { imageId: `sha256:${digest.slice(0, 32)}`, repoDigest: `${repository}@sha256:${digest}` };
}

function mockOutputs(args: pulumi.runtime.MockResourceArgs, exitCodes: Record<string, number>): Record<string, any> {
  switch (args.type) {
    case 'random:index/randomPassword:RandomPassword':
      return { ...args.inputs, result: `${mockSecretPrefix}${args.name}` };
    case 'random:index/randomString:RandomString':
      return { ...args.inputs, result: `rnd${args.name.length}` };
    case 'docker:index/remoteImage:RemoteImage':
      return { ...args.inputs, ...mockPulled(args.inputs.name) };
    case 'docker:index/image:Image':
      return { ...args.inputs, repoDigest: 'sha256:0123456789abcdef', imageName: args.inputs.imageName };
    case 'docker:index/container:Container':
      return {
        ...args.inputs,
        exitCode: args.inputs.attach ? (exitCodes[args.name] ?? 0) : undefined,
        containerLogs: args.inputs.attach ? `logs of ${args.name}\n     checks.........: 100.00% 12 out of 12\n` : undefined,
      };
    case 'kubernetes:core/v1:Pod':
      return { ...args.inputs, status: runPod(args.name, args.inputs, exitCodes[args.name] ?? 0) };
    default:
      return { ...args.inputs };
  }
}

/**
 * A run-once pod as the kubelet leaves it: its container's command runs here for real under /bin/sh, with the
 * program (argv[0] of its args) replaced by one that prints this pod's mock output and exits with its code,
 * and the termination message file moved to a temporary one. The message is then what the kubelet reports:
 * the file's content (at most 4096 bytes), or with FallbackToLogsOnError and a non-zero exit and an empty
 * file, the log's tail.
 */
function runPod(name: string, inputs: any, exitCode: number): Record<string, unknown> {
  const container = inputs.spec.containers[0];
  const output = `logs of ${name}\n     checks.........: ${exitCode === 0 ? '100.00% 12 out of 12' : '50.00% 6 out of 12'}\n`;
  const dir = mkdtempSync(join(tmpdir(), 'lab-pod-'));
  const messageFile = join(dir, 'termination-log');
  writeFileSync(messageFile, '');
  const fake = ['/bin/sh', '-c', 'printf "%s" "$1"; exit "$2"', 'program', output, String(exitCode)];
  const command: string[] = (container.command ?? []).map((word: string) => word.replaceAll(container.terminationMessagePath ?? '/dev/termination-log', messageFile));
  const argv = [...command, ...fake];
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  const code = result.status ?? 1;
  let message = readFileSync(messageFile, 'utf8').slice(0, 4096);
  if (message === '' && code !== 0 && container.terminationMessagePolicy === 'FallbackToLogsOnError') message = result.stdout.slice(-2048);
  rmSync(dir, { recursive: true });
  return {
    phase: code === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [{ state: { terminated: { exitCode: code, message } } }],
  };
}

export interface ProgramRun {
  readonly resources: Recorded[];
  readonly outputs: Record<string, unknown>;
  readonly stack: string;
}

/**
 * Builds the whole platform with the given stack config and waits until every resource is registered.
 * Config goes through the same reader the entry point uses (`readSettings`), without Pulumi.yaml defaults.
 */
export async function runProgram(options: RunOptions = {}): Promise<ProgramRun> {
  runCounter += 1;
  const stack = options.stack ?? `test${runCounter}`;
  const resources: Recorded[] = [];
  let clock = 0;
  const started = Date.now();
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        const record: Recorded = {
          type: args.type,
          name: args.name,
          custom: args.custom ?? true,
          inputs: args.inputs,
          provider: args.provider,
          replaceOnChanges: registeredOptions.get(`${args.type}::${args.name}`)?.replaceOnChanges ?? [],
          ignoreChanges: registeredOptions.get(`${args.type}::${args.name}`)?.ignoreChanges ?? [],
          deleteBeforeReplace: registeredOptions.get(`${args.type}::${args.name}`)?.deleteBeforeReplace ?? false,
          createTimeout: registeredOptions.get(`${args.type}::${args.name}`)?.createTimeout ?? '',
          dependencies: registeredOptions.get(`${args.type}::${args.name}`)?.dependencies ?? [],
          registeredAt: clock++,
          completedAt: Number.POSITIVE_INFINITY,
        };
        resources.push(record);
        const delay = options.delays?.[args.name];
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        record.completedAt = Date.now() - started;
        return { id: args.custom ? `${args.name}-id` : undefined, state: mockOutputs(args, options.exitCodes ?? {}) };
      },
      // docker.getLogs, which a failed readiness probe calls for the probed part's last lines.
      call: (args) =>
        args.token === 'docker:index/getLogs:getLogs' ? { ...args.inputs, logsListStrings: [`last line of ${args.inputs.name}`] } : args.inputs,
    },
    project,
    stack,
    false,
  );
  const config = Object.fromEntries(Object.entries(options.config ?? {}).map(([key, value]) => [`${project}:${key}`, value]));
  const secretKeys = (options.secretKeys ?? []).map((key) => `${project}:${key}`);
  pulumi.runtime.setAllConfig(config, secretKeys);

  const raw = (key: string) => config[`${project}:${key}`];
  const settings = readSettings(project, raw);
  const platform = buildPlatform(settings, readRegistryAuth(project, raw, (key) => secretKeys.includes(key)));

  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(platform)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await promiseOf(value) : value;
  }
  await settle(resources);
  return { resources, outputs, stack };
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/**
 * Waits until every pending RPC (component outputs included) has reached this run's mocks and no new
 * resource has been registered for a while, so the next run's mocks never receive this run's calls.
 */
async function settle(resources: Recorded[]): Promise<void> {
  let last = -1;
  let quietRounds = 0;
  while (quietRounds < 5) {
    await waitForRPCs();
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (resources.length === last && resources.every((r) => Number.isFinite(r.completedAt))) quietRounds += 1;
    else quietRounds = 0;
    last = resources.length;
  }
}
