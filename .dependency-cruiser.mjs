/**
 * The import rules `npm run lint` enforces (docs/architecture.md explains them):
 * - no import cycle, between files or between server/src directories;
 * - server/src's layers import downward only;
 * - the pure core imports nothing of Node;
 * - a package reaches another only through its public entry (its index, or @aes67/server/formats).
 *
 * The layers are server/layers.json's: server/src's modules bottom up, each a directory or a top-level
 * file. A module may import the modules listed before it, never one listed after it; so no two
 * directories import each other, and nothing imports a layer above its own. The order inside a layer says
 * which of its modules builds on which (live reads audio's input contract; the daemon runs the mixer).
 */
import { readFileSync } from 'node:fs';

const { layers: LAYERS } = JSON.parse(readFileSync(new URL('./server/layers.json', import.meta.url), 'utf8'));

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathOf = (m) => `^server/src/${escape(m)}${m.endsWith('.ts') ? '$' : '/'}`;
const ordered = LAYERS.flatMap(({ layer, modules }) => modules.map((name) => ({ layer, name })));
const CORE = LAYERS[0].modules;

const layerRules = ordered.slice(0, -1).map(({ layer, name }, i) => {
  const above = ordered.slice(i + 1);
  return {
    name: `layer:${name}`,
    severity: 'error',
    comment: `${name} (${layer}) imports only what is listed before it in LAYERS; it may not import ${above.map((m) => m.name).join(', ')}`,
    from: { path: pathOf(name), pathNot: '\\.test\\.ts$' },
    to: { path: above.map((m) => pathOf(m.name)).join('|') },
  };
});

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'an import cycle: split the shared part into a module both import',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: `the core (${CORE.join(', ')}) computes and imports nothing of Node, so it runs anywhere (the console bundles streams/formats)`,
      from: { path: CORE.map(pathOf).join('|'), pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'public-entries-only',
      severity: 'error',
      comment: "a package is used through its public entry (index, or @aes67/server/formats), never another package's internals",
      from: { path: '^(sap|ptp|kernel-module|server|console)/src/' },
      to: {
        path: '^(sap|ptp|kernel-module|server)/(src|dist)/',
        pathNot: ['^$1/', '^(sap|ptp|kernel-module|server)/(src|dist)/index\\.(ts|js|d\\.ts)$', '^server/(src|dist)/streams/formats\\.(ts|js|d\\.ts)$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
