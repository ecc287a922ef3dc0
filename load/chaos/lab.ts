import { runMigrationsProcess, startPostgres, startRedis, type TestServer } from '@lab/service/testing';
import { Collector } from './collectors.ts';
import { ordersOf, requireDurableCommits, stockOf } from './database.ts';
import { OrderJournal } from './journal.ts';
import { checkLedger, type LedgerResult } from './ledger.ts';
import { startLoad, type RunningLoad } from './load.ts';
import { mixed, type Mix, type Shop } from './requests.ts';
import { settleUnknownOrders, type Settlement } from './settle.ts';
import { Replica } from './replica.ts';

export interface CampaignOptions {
  /** Concurrent keep-alive clients. */
  readonly clients: number;
  /** Postgres stop/start cycles per stop mode. */
  readonly cycles: number;
  /** Malformed requests in the hostile-input run (at least). */
  readonly hostileRequests: number;
}

export const defaultOptions: CampaignOptions = { clients: 20, cycles: 3, hostileRequests: 4_000 };

/** Per-request timeout of the load: longer than any answer the service should take, even in an outage. */
const requestTimeoutMs = 20_000;
const pauseAfterFailureMs = 20;
/** The replicas' shutdown grace, set explicitly so the shutdown checks compare against a known figure. */
export const shutdownGraceMs = 8_000;

const hotItemCount = 3;
const decoyCount = 20;
export const initialHotStock = 1_000_000;

/** Everything the faults share: real Postgres and Redis, the items, the order journal, replicas on demand. */
export interface Lab {
  readonly postgres: TestServer;
  readonly redis: TestServer;
  readonly shop: Shop;
  /** Items created first (ids 1..20 on the fresh database), the only ones the hostile run may touch. */
  readonly decoys: readonly number[];
  readonly options: CampaignOptions;
  readonly log: (message: string) => void;
  /** A new replica of the service as shipped, exporting to `collector` (a shared healthy one by default). */
  replica(settings?: { collector?: Collector; env?: Record<string, string> }): Promise<Replica>;
  /** Settles every unknown order through `target`, then compares the journal with Postgres. */
  ledger(target: () => string): Promise<{ ledger: LedgerResult; settlement: Settlement }>;
  dispose(): Promise<void>;
}

export async function startLab(options: CampaignOptions, log: (message: string) => void): Promise<Lab> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const dispose = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    log('starting Postgres and Redis');
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    cleanups.push(() => postgres.dispose(), () => redis.dispose());
    if (!postgres.controllable || !redis.controllable) throw new Error('the campaign stops Postgres and Redis: unset TEST_DATABASE_URL / TEST_REDIS_URL');
    const migration = await runMigrationsProcess(postgres.url);
    if (migration.code !== 0) throw new Error(`migrations failed: ${migration.output}`);
    await requireDurableCommits(postgres.url);
    const collector = await Collector.start();
    cleanups.push(() => collector.stop());

    const replica = async (settings: { collector?: Collector; env?: Record<string, string> } = {}) =>
      Replica.start({
        databaseUrl: postgres.url,
        redisUrl: redis.url,
        otlpEndpoint: (settings.collector ?? collector).endpoint,
        extra: { LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: String(shutdownGraceMs), ...settings.env },
      });

    const setup = await replica();
    const create = async (name: string, stock: number) => {
      const res = await setup.service.fetch('/api/items', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, priceCents: 100, stock }),
      });
      if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: number }).id;
    };
    const decoys: number[] = [];
    for (let i = 1; i <= decoyCount; i++) decoys.push(await create(`decoy ${i}`, 1_000));
    const hotItems: number[] = [];
    for (let i = 1; i <= hotItemCount; i++) hotItems.push(await create(`hot ${i}`, initialHotStock));
    await setup.stop();
    const shop: Shop = { hotItems, journal: new OrderJournal() };

    return {
      postgres,
      redis,
      shop,
      decoys,
      options,
      log,
      replica,
      async ledger(target) {
        const settlement = await settleUnknownOrders(shop.journal, target, 30_000);
        const [rows, stock] = await Promise.all([ordersOf(postgres.url, hotItems), stockOf(postgres.url, hotItems)]);
        const stocks = hotItems.map((itemId) => ({ itemId, initial: initialHotStock, actual: stock.get(itemId) ?? Number.NaN }));
        return { ledger: checkLedger(shop.journal.entries(), rows, stocks), settlement };
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** The campaign's keep-alive load on one replica: `lab.options.clients` clients sending requests in `mix`. */
export function mixedLoad(lab: Lab, replica: Replica, mix: Mix, label: string): RunningLoad {
  return startLoad({ clients: lab.options.clients, target: replica.baseUrl, next: mixed(lab.shop, mix, label), timeoutMs: requestTimeoutMs, pauseAfterFailureMs });
}
