import { readString, writeString } from './storage.js'

const KEY = 'lw.deviceId'

/**
 * A random id this browser keeps, sent when joining: the server stores only its hash, to give one
 * welcome bonus per device and merchant. Clearing the site's data makes a new one, as it should.
 */
export function deviceId(): string {
  let id = readString(KEY)
  if (!id || !/^[A-Za-z0-9-]{16,64}$/.test(id)) {
    id = crypto.randomUUID()
    writeString(KEY, id)
  }
  return id
}
