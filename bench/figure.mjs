/**
 * One figure of a bench, with its peer or limit from the same run, as a line `bench/run-all.mjs`
 * collects into its table: `@@figure {"bench", "figure", "value", "unit", "peer", "peerValue"}`.
 */
export function printFigure(f) {
  console.log(`@@figure ${JSON.stringify(f)}`);
}
