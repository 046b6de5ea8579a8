import { benchPushFanout } from './push-fanout.js'
const r = await benchPushFanout(Number(process.env.N ?? 10000))
console.log(JSON.stringify(r))
setTimeout(() => { console.log('handles', (process as any)._getActiveHandles().map((h: any) => h.constructor?.name)); }, 3000).unref()
const t = setTimeout(() => { console.log('still alive after 5s:', (process as any)._getActiveHandles().map((h: any) => h.constructor?.name + ':' + (h.remoteAddress ?? h.threadId ?? ''))); process.exit(3) }, 5000)
t.unref()
