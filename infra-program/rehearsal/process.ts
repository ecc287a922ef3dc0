import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';

/** A program the rehearsal started: its output kept for the error that names it, stopped by its own pid. */
export interface StartedProgram {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function startProgram(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): StartedProgram {
  const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString());
    if (chunks.length > 400) chunks.splice(0, chunks.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    output: () => chunks.join(''),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

export async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` until it holds; fails naming `what` and the program's last output. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, program?: StartedProgram, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (program && program.child.exitCode !== null) throw new Error(`${program.name} exited (${program.child.exitCode}) before ${what}:\n${program.output()}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${program ? `:\n${program.output()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
