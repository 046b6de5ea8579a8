import net from 'node:net'
import { listen } from '../../server/listen.js'

/** A TCP port on loopback that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/** The app on a loopback socket, served as the server serves it (server/listen.ts); close() stops it. */
export async function serveOverHttp(
  fetch: (req: Request) => Response | Promise<Response>,
): Promise<{ port: number; base: string; close(): Promise<void> }> {
  const server = listen(fetch, { port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  const port = (server.address() as net.AddressInfo).port
  return { port, base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) }
}
