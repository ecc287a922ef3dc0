/**
 * The k6 run proves the service as deployed: when what it proved is replaced (the service image, a
 * replica, Traefik), the k6 container is replaced too and runs again, so k6Result is never stale.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { fingerprint } from '../src/container';
import { k6SubjectsLabel, subjectsFingerprint } from '../src/components/load-test';
import { byPart, containers } from './graph';
import { promiseOf, runProgram } from './harness';

describe('the k6 run is tied to what it proves', () => {
  test("its label is a digest of the service image id, every replica's container id and Traefik's id", async () => {
    const views = containers((await runProgram({ stack: 'k6a' })).resources);
    const replicas = views.filter((view) => /^shop-api-\d+$/.test(view.labels['lab.part']!));
    assert.equal(replicas.length, 2);
    // The mocks give each container the id `<logical name>-id`; the replicas run the built image by id.
    const expected = fingerprint([replicas[0]!.imageRef, ...replicas.map((r) => `${r.logicalName}-id`), 'traefik-id']);
    assert.equal(byPart(views, 'k6').labels[k6SubjectsLabel], expected);
    // The label waits on those ids: k6 registers after every replica and Traefik.
    const k6 = byPart(views, 'k6').raw;
    for (const part of ['shop-api-1', 'shop-api-2', 'traefik']) assert.ok(k6.registeredAt > byPart(views, part).raw.registeredAt, part);
  });

  test('another replica count gives another label, so the run is replaced and repeated', async () => {
    const two = byPart(containers((await runProgram({ stack: 'k6b' })).resources), 'k6').labels[k6SubjectsLabel];
    const three = byPart(containers((await runProgram({ stack: 'k6c', config: { replicas: '3' } })).resources), 'k6').labels[k6SubjectsLabel];
    assert.notEqual(two, three);
  });

  test('a new image id, a replaced replica or a replaced Traefik each change the label', async () => {
    const base = { serviceImageId: 'sha256:aaa', replicaIds: ['r1', 'r2'], traefikId: 't1' };
    const of = (subjects: typeof base) => promiseOf(subjectsFingerprint({ ...subjects, replicaIds: subjects.replicaIds.map((id) => pulumi.output(id)) }));
    const reference = await of(base);
    assert.equal(await of({ ...base }), reference, 'nothing replaced: the run is not repeated');
    for (const changed of [
      { ...base, serviceImageId: 'sha256:bbb' },
      { ...base, replicaIds: ['r1', 'r2-new'] },
      { ...base, replicaIds: ['r2', 'r1'] },
      { ...base, traefikId: 't2' },
    ]) {
      assert.notEqual(await of(changed), reference, JSON.stringify(changed));
    }
  });
});
