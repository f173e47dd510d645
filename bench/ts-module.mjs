/**
 * Imports a TypeScript module of the test harness into a bench. Node 20 runs no TypeScript, and the
 * harness is not built (it is test code, outside every package), so the module is transpiled here and
 * imported from a data: URL. A data: URL has no directory to resolve a relative import against, so
 * each import is resolved here: one of a package's sources runs from its build (`server/src/x.js` from
 * `server/dist/x.js`, which `npm run build` made), and any other is refused with its name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const PACKAGE_SOURCE = /\/(server|sap|ptp|kernel-module)\/src\//;

export async function importTs(url) {
  const { outputText } = ts.transpileModule(readFileSync(url, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  const code = outputText.replace(/^(\s*(?:import|export)\b.*\bfrom\s+)(['"])([^'"]+)\2/gm, (_all, head, quote, spec) => {
    const path = fileURLToPath(new URL(spec, url));
    if (!PACKAGE_SOURCE.test(path)) throw new Error(`${url.pathname}: imports '${spec}' at run time; bench/ts-module.mjs takes only type-only imports and packages' modules`);
    const built = path.replace(PACKAGE_SOURCE, '/$1/dist/');
    if (!existsSync(built)) throw new Error(`${url.pathname}: imports '${spec}', whose build ${built} is missing: run npm run build`);
    return `${head}${quote}${pathToFileURL(built).href}${quote}`;
  });
  return import(`data:text/javascript,${encodeURIComponent(code)}`);
}
