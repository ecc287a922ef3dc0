import { startService, type RunningService, type ServiceEnvironment } from '@lab/service/testing';

/** How a replica ended when it was not asked to. */
export interface Death {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderrTail: string;
}

const tail = (service: RunningService): string => service.stderr.join('').trim().split('\n').slice(-12).join('\n');

/**
 * One replica of the service as shipped (dist, telemetry preloaded), restarted on demand after a crash the
 * way a container runtime would, so the campaign can go on; each death is recorded.
 */
export class Replica {
  #service: RunningService | undefined;
  readonly deaths: Death[] = [];

  private constructor(private readonly environment: ServiceEnvironment) {}

  static async start(environment: ServiceEnvironment): Promise<Replica> {
    const replica = new Replica(environment);
    replica.#service = await startService(environment);
    return replica;
  }

  get service(): RunningService {
    if (!this.#service) throw new Error('replica not started');
    return this.#service;
  }

  readonly baseUrl = (): string => this.service.baseUrl;

  alive(): boolean {
    return this.service.process.exitCode === null && this.service.process.signalCode === null;
  }

  /** Records the death of a replica that exited on its own, and starts a new one. Returns the death. */
  async reviveIfDead(): Promise<Death | undefined> {
    if (this.alive()) return undefined;
    const death = { exitCode: this.service.process.exitCode, signal: this.service.process.signalCode, stderrTail: tail(this.service) };
    this.deaths.push(death);
    this.#service = await startService(this.environment);
    return death;
  }

  /** SIGTERM; resolves with the exit code and how long the exit took. */
  async stop(): Promise<{ exitCode: number | null; exitMs: number; stderrTail: string }> {
    const started = performance.now();
    const exitCode = await this.service.stop('SIGTERM');
    return { exitCode, exitMs: performance.now() - started, stderrTail: tail(this.service) };
  }
}
