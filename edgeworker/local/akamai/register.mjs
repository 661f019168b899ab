// `node --import ./local/akamai/register.mjs ...` (or import this module before a
// dynamic import of main.js) to run the unmodified EdgeWorker with local stand-ins.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
