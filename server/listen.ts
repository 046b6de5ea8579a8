import { serve, type ServerType } from '@hono/node-server'
import { createServer, type RequestListener, type ServerOptions } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SECURITY_HEADERS } from './middleware/headers.js'

/**
 * `http.createServer` whose responses start with the secure headers. An answer that sets one of them
 * itself keeps its own: Node merges the headers given to writeHead over those set before.
 */
const secureServer = ((options: ServerOptions, listener: RequestListener) =>
  createServer(options, (req, res) => {
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value)
    listener(req, res)
  })) as typeof createServer

/**
 * The one way the app is served over HTTP (the server, the benchmarks, the tests that need a socket):
 * @hono/node-server with the secure headers on every answer, pages, assets and API alike.
 */
export function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  at: { port: number; hostname: string },
  onListening?: (info: AddressInfo) => void,
): ServerType {
  return serve({ fetch, port: at.port, hostname: at.hostname, createServer: secureServer }, onListening)
}
