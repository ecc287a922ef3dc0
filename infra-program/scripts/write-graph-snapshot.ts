/**
 * Rewrites the graph guard's fixture from the program as it is now. Run it only for a deliberate change
 * to the graph, and read the fixture's diff: it names every resource the change touched.
 */
import { writeFileSync } from 'node:fs';
import { graphSnapshotFile, takeGraphSnapshot } from '../test/graph-snapshot';

takeGraphSnapshot().then((snapshot) => {
  writeFileSync(graphSnapshotFile, `${JSON.stringify(snapshot, null, 2)}\n`);
  const counts = Object.entries(snapshot).map(([label, resources]) => `${label} ${Object.keys(resources).length}`);
  console.log(`wrote ${graphSnapshotFile}: ${counts.join(', ')} resources`);
});
