/**
 * Thin stand-in for the EdgeWorkers request object (the subset the perimeter uses, plus
 * the read-only properties commonly present). Header names are case-insensitive; values
 * are kept as arrays, as getHeader returns them on the platform.
 */
export class EdgeRequest {
  /**
   * @param {object} init
   * @param {string} [init.method='GET']
   * @param {string} [init.path='/']   path without query
   * @param {string} [init.query='']   query without '?'
   * @param {string} [init.host='localhost']
   * @param {string} [init.scheme='https']
   * @param {Record<string, string|string[]>} [init.headers]
   * @param {Record<string, string>} [init.variables] PMUSER_* values
   * @param {string} [init.id] request id, if the runtime should expose one
   */
  constructor({ method = 'GET', path = '/', query = '', host = 'localhost', scheme = 'https', headers = {}, variables = {}, id } = {}) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.host = host;
    this.scheme = scheme;
    this.url = query ? `${path}?${query}` : path;
    if (id !== undefined) this.id = id;
    this.headers = new Map();
    for (const [name, value] of Object.entries(headers)) {
      this.headers.set(name.toLowerCase(), Array.isArray(value) ? [...value] : [String(value)]);
    }
    this.variables = new Map(Object.entries(variables));
    /** @type {{status: number, headers: Record<string, string[]>, body: string, denyReason?: string}|null} */
    this.response = null;
  }

  getHeader(name) {
    const v = this.headers.get(name.toLowerCase());
    return v ? [...v] : undefined;
  }

  setHeader(name, value) {
    this.headers.set(name.toLowerCase(), Array.isArray(value) ? value.map(String) : [String(value)]);
  }

  addHeader(name, value) {
    const key = name.toLowerCase();
    const current = this.headers.get(key) ?? [];
    this.headers.set(key, current.concat(Array.isArray(value) ? value.map(String) : [String(value)]));
  }

  removeHeader(name) {
    this.headers.delete(name.toLowerCase());
  }

  getVariable(name) {
    return this.variables.get(name);
  }

  setVariable(name, value) {
    if (!/^PMUSER_[A-Z0-9_]+$/.test(name)) throw new Error(`setVariable: ${name} is not a PMUSER_ variable`);
    if (typeof value !== 'string') throw new TypeError('setVariable: value must be a string');
    this.variables.set(name, value);
  }

  respondWith(status, headers, body, denyReason) {
    if (typeof body === 'string' && body.length > 2000) throw new Error('respondWith: body longer than 2000 characters');
    this.response = { status, headers: headers ?? {}, body: body ?? '', denyReason };
  }
}
