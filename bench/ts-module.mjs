/**
 * Imports a TypeScript module of the test harness into a bench. Node 20 runs no TypeScript, and the
 * harness is not built (it is test code, outside every package), so the module is transpiled here.
 * That suffices only for a module whose imports are all type-only: a data: URL has no directory to
 * resolve a relative import against, so any other import is refused with its name.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export async function importTs(url) {
  const { outputText } = ts.transpileModule(readFileSync(url, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  const runtimeImport = /^\s*(import|export)\b.*\bfrom\s+(['"][^'"]+['"])/m.exec(outputText);
  if (runtimeImport) throw new Error(`${url.pathname}: imports ${runtimeImport[2]} at run time; bench/ts-module.mjs takes only type-only imports`);
  return import(`data:text/javascript,${encodeURIComponent(outputText)}`);
}
