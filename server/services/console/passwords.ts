import argon2 from 'argon2'

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id })

let dummyHash: Promise<string> | null = null
/** Verifies a password; with no hash (unknown email) it still spends the same time, so timing tells nothing. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash) {
    // A hash that is not argon2 (an invited member's placeholder) never verifies, in the same time.
    if (!hash.startsWith('$argon2')) return verifyPassword(null, password)
    return argon2.verify(hash, password)
  }
  dummyHash ??= hashPassword('not-a-real-password')
  await argon2.verify(await dummyHash, password)
  return false
}
