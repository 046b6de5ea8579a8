import fs from 'node:fs'
import path from 'node:path'
import webpush from 'web-push'

export interface VapidKeys {
  publicKey: string
  privateKey: string
}

const loaded = new Map<string, VapidKeys>()

/**
 * The server's VAPID key pair: generated on first start and kept in the data dir (vapid.json,
 * readable by the owner only), so subscriptions stay valid across restarts.
 */
export function vapidKeys(dataDir: string): VapidKeys {
  const file = path.join(dataDir, 'vapid.json')
  const cached = loaded.get(file)
  if (cached) return cached
  let keys: VapidKeys
  if (fs.existsSync(file)) {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<VapidKeys>
    if (typeof raw.publicKey !== 'string' || typeof raw.privateKey !== 'string') {
      throw new Error(
        `${file} is not a VAPID key file; move it away to generate a new pair (devices will need to subscribe again).`,
      )
    }
    keys = { publicKey: raw.publicKey, privateKey: raw.privateKey }
  } else {
    fs.mkdirSync(dataDir, { recursive: true })
    const k = webpush.generateVAPIDKeys()
    keys = { publicKey: k.publicKey, privateKey: k.privateKey }
    // wx: two processes starting at once must not overwrite each other's pair.
    try {
      fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      loaded.delete(file)
      return vapidKeys(dataDir)
    }
  }
  loaded.set(file, keys)
  return keys
}
