/**
 * A run whose exit code is a result (k6's verdict), as a pod that always succeeds. A pod that exits non-zero
 * ends in phase Failed, and the provider's Pod read (`pulumi refresh`) reports every pod that is neither
 * ready nor Succeeded as an error (pulumi-kubernetes `podInitAwaiter.Read`), so a failed threshold would
 * read as a broken deployment. The wrapper runs the program with its output going to the log as usual,
 * then writes the exit code and the output's tail as the container's termination message, which the
 * kubelet reads from the file whatever the exit code, and exits 0.
 */

/** Where the kubelet reads the termination message from (the API default, set explicitly on the container). */
export const terminationMessagePath = '/dev/termination-log';

/**
 * Bytes of the output's tail in the message: the kubelet reads at most 4096 bytes of the file
 * (`MaxContainerTerminationMessageLength`, pkg/kubelet/container/runtime.go); the first line holds the code.
 */
export const reportTailBytes = 3900;

const codeLinePrefix = 'run exit code: ';

/**
 * The wrapper, for `/bin/sh -c <script> sh <program> <args...>`: POSIX sh, tee and tail (busybox has all
 * three). The program's exit code is kept in a file, since a pipeline's status is tee's.
 */
export function runReportScript(messagePath: string = terminationMessagePath): string {
  return [
    'out=$(mktemp) && code_file=$(mktemp) || exit 1',
    '{ "$@" 2>&1; echo $? > "$code_file"; } | tee "$out"',
    'code=$(cat "$code_file")',
    `{ echo "${codeLinePrefix}$code"; tail -c ${reportTailBytes} "$out"; } > '${messagePath}'`,
    'exit 0',
  ].join('\n');
}

/** The container's command and args that run `argv` through the wrapper. */
export function wrappedRun(argv: readonly string[]): { command: string[]; args: string[] } {
  return { command: ['/bin/sh', '-c', runReportScript(), 'sh'], args: [...argv] };
}

export interface RunReport {
  readonly exitCode: number;
  /** The tail of the run's output. */
  readonly tail: string;
}

/** The report in a termination message, or undefined when the wrapper did not write one (killed, OOM). */
export function parseRunReport(message: string | undefined): RunReport | undefined {
  if (!message?.startsWith(codeLinePrefix)) return undefined;
  const newline = message.indexOf('\n');
  const code = Number(message.slice(codeLinePrefix.length, newline === -1 ? undefined : newline));
  if (!Number.isInteger(code)) return undefined;
  return { exitCode: code, tail: newline === -1 ? '' : message.slice(newline + 1) };
}
