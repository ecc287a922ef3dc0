import { loadTestOptions, loadTestParams } from './load-test.options.ts';
import { numberParam } from '../lib/params.ts';
import { targetFromEnv } from '../lib/target.ts';
import { mixedIteration, setupItemPool, type ItemPool } from '../lib/mix.ts';

export const options = loadTestOptions(__ENV);

const target = targetFromEnv(__ENV);

export function setup(): ItemPool {
  return setupItemPool(target, numberParam(__ENV, 'POOL_SIZE', Number(loadTestParams.POOL_SIZE)));
}

export function mixed(pool: ItemPool): void {
  mixedIteration(target, pool);
}
