import { execFile } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { promisify } from 'node:util';
import { postgresVersion } from './database.ts';

const run = promisify(execFile);

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly postgres: string;
  readonly redis: string;
}

/** The versions the running servers report about themselves, not the ones a package list promises. */
async function redisVersion(redisUrl: string): Promise<string> {
  const { stdout } = await run('redis-cli', ['-u', redisUrl, 'INFO', 'server']);
  return /^redis_version:(\S+)/m.exec(stdout)?.[1] ?? 'unknown';
}

export async function describeMachine(databaseUrl: string, redisUrl: string): Promise<Machine> {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    postgres: await postgresVersion(databaseUrl),
    redis: await redisVersion(redisUrl),
  };
}
