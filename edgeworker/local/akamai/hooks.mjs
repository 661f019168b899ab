// Node ESM loader hooks: map the EdgeWorkers built-in modules imported by code under
// edgeworker/ (outside local/) to the stand-ins in this directory.
const ROOT = new URL('../../', import.meta.url).href;
const LOCAL = new URL('../', import.meta.url).href;
const BUILTINS = {
  'create-response': 'create-response.mjs',
  log: 'log.mjs',
  crypto: 'crypto.mjs',
};

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (Object.hasOwn(BUILTINS, specifier) && parent.startsWith(ROOT) && !parent.startsWith(LOCAL)
    && !parent.includes('/node_modules/')) {
    return { url: new URL(BUILTINS[specifier], import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
