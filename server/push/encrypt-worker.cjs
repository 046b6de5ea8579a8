'use strict'
/**
 * Web Push encryption for one message (web-push's generateRequestDetails: a fresh P-256 key pair,
 * ECDH and HKDF, then AES-128-GCM), shared by the sender's thread and the pool's worker threads
 * (encrypt-pool.ts). Plain CommonJS so a worker thread can load it without a TypeScript loader.
 */
const { isMainThread, parentPort } = require('node:worker_threads')
const webpush = require('web-push')

function encryptOne(j) {
  try {
    const d = webpush.generateRequestDetails(
      { endpoint: j.endpoint, keys: { p256dh: j.p256dh, auth: j.auth } },
      j.payload,
      {
        vapidDetails: null, // the Authorization header comes from the sender's per-origin JWT cache
        headers: { Authorization: j.authorization },
        TTL: j.ttl,
        urgency: j.urgency,
        topic: j.topic,
        contentEncoding: 'aes128gcm',
      },
    )
    const headers = {}
    for (const [k, v] of Object.entries(d.headers)) if (k.toLowerCase() !== 'content-length') headers[k] = String(v)
    return { ok: true, endpoint: d.endpoint, headers, body: new Uint8Array(d.body) }
  } catch (err) {
    return { ok: false, error: String((err && err.message) || err) }
  }
}

if (!isMainThread && parentPort) {
  parentPort.on('message', ({ id, jobs }) => {
    const results = jobs.map(encryptOne)
    parentPort.postMessage(
      { id, results },
      results.filter((r) => r.ok).map((r) => r.body.buffer),
    )
  })
}

module.exports = { encryptOne }
