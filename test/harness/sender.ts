import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI; `npm test` builds before running the suite. */
export const CLI = `${REPO}server/dist/cli.js`;
export const SAP_LISTEN = `${REPO}test/harness/sap-listen.mjs`;
