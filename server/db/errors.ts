/** Thrown when a statement that writes runs outside writeTx: every write has to go through that one seam. */
export class WriteOutsideTxError extends Error {
  constructor(source: string) {
    super(`A write ran outside writeTx: ${source.slice(0, 120)}`)
    this.name = 'WriteOutsideTxError'
  }
}

/** Why the database cannot be used, in words an operator can act on (the boot prints it and stops). */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseUnavailableError'
  }
}
