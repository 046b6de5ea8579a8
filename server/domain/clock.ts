/** Every rule takes `now` from an injected clock so tests never sleep. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock tests can set and move. */
export class FixedClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current)
  }
  set(d: Date | string): void {
    this.current = new Date(d)
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms)
  }
}
