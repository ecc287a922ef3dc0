/**
 * The real programs the tests run are the versions the program deploys: each one's version is its image's
 * tag (`npm run programs` builds them; @lab/service/testing locates them).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realPrograms } from '@lab/service/testing';
import { images } from '../src/images';

test("each real program the tests run is built at the version of the image the program pins", () => {
  for (const [name, program] of Object.entries(realPrograms)) {
    const image = images[name as keyof typeof images];
    assert.ok(image, `${name}: an image of that name is pinned`);
    assert.equal(image.slice(image.lastIndexOf(':') + 1).replace(/^v/, ''), program.version, name);
  }
});
