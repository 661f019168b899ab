// Stand-in for the EdgeWorkers `create-response` built-in (responseProvider only; the
// perimeter EdgeWorker itself answers with request.respondWith).
export function createResponse(status, headers, body, denyReason) {
  if (typeof status === 'object' && status !== null) return { status: 200, headers: {}, body: '', ...status };
  return { status, headers: headers ?? {}, body: body ?? '', denyReason };
}
