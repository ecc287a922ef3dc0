/**
 * The architecture as rules `npm test` enforces (dependency-cruiser): four packages that import each other
 * by name through their `exports`, a package graph that runs one way (service at the bottom, dashboards on
 * it, the program on top, load beside), no cycle between files, and a neutral layer in the program that
 * knows no target. ARCHITECTURE.md draws the same picture.
 */
const workspaces = '(service|dashboards|load|infra-program)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'relative-import-across-workspaces',
      severity: 'error',
      comment: 'Another package is imported by its name (`@lab/service/faults`), through its exports, never by a path into it.',
      from: { path: `^${workspaces}/` },
      to: { pathNot: '^$1/', dependencyTypes: ['local'] },
    },
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Dependencies between files run one way.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'service-at-the-bottom',
      severity: 'error',
      comment: 'The service depends on no other package of the lab.',
      from: { path: '^service/' },
      to: { path: '^(dashboards|load|infra-program)/' },
    },
    {
      name: 'load-beside',
      severity: 'error',
      comment: 'Load drives the service; it knows neither the dashboards nor the program.',
      from: { path: '^load/' },
      to: { path: '^(dashboards|infra-program)/' },
    },
    {
      name: 'dashboards-below-the-program',
      severity: 'error',
      comment: 'The program provisions the dashboards; the dashboards never read the program.',
      from: { path: '^dashboards/' },
      to: { path: '^infra-program/' },
    },
    {
      name: 'neutral-layer-knows-no-target',
      severity: 'error',
      comment: 'Components and the part contract describe a part; each target (src/targets/<kind>) turns it into resources.',
      from: { path: '^infra-program/src/(container\\.ts|components/|configs/)' },
      to: { path: '^infra-program/src/targets/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
