// Stand-in for the EdgeWorkers `crypto` built-in: Node's Web Crypto.
export const crypto = globalThis.crypto;
export default crypto;
