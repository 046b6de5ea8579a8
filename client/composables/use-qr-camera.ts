import { onScopeDispose, ref, type Ref } from 'vue'

export type CameraState = 'idle' | 'starting' | 'on' | 'error'
export type CameraProblem = 'denied' | 'none' | 'busy' | 'insecure' | 'unsupported' | 'failed'

interface Decoder {
  decode(video: HTMLVideoElement): Promise<string | null>
  close(): void
}

/** BarcodeDetector where the browser has it with QR support (Chromium on Android, Safari 17+). */
async function nativeDecoder(): Promise<Decoder | null> {
  if (typeof BarcodeDetector === 'undefined') return null
  try {
    if (!(await BarcodeDetector.getSupportedFormats()).includes('qr_code')) return null
    const detector = new BarcodeDetector({ formats: ['qr_code'] })
    return {
      async decode(video) {
        const [hit] = await detector.detect(video)
        return hit?.rawValue ?? null
      },
      close() {},
    }
  } catch {
    return null
  }
}

/** qr-scanner's worker engine otherwise; loaded only when the camera is actually used. */
async function workerDecoder(): Promise<Decoder> {
  const { default: QrScanner } = await import('qr-scanner')
  const engine = await QrScanner.createQrEngine()
  return {
    async decode(video) {
      try {
        const r = await QrScanner.scanImage(video, { qrEngine: engine, returnDetailedScanResult: true })
        return r.data || null
      } catch {
        return null // "No QR code found" for most frames
      }
    },
    close() {
      if (engine instanceof Worker) engine.terminate()
    },
  }
}

function problemOf(e: unknown): CameraProblem {
  const name = e instanceof DOMException || e instanceof Error ? e.name : ''
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied'
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'none'
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy'
  return 'failed'
}

/**
 * Camera QR scanning, started only on request (a button press): we own the stream so that
 * "permission denied" and "no camera" can be told apart, then decode frames a few times a second.
 */
export function useQrCamera(video: Ref<HTMLVideoElement | null>, onCode: (text: string) => void) {
  const state = ref<CameraState>('idle')
  const problem = ref<CameraProblem | null>(null)
  let stream: MediaStream | null = null
  let decoder: Decoder | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let session = 0

  async function start(): Promise<void> {
    if (state.value === 'starting' || state.value === 'on') return
    problem.value = null
    if (!navigator.mediaDevices?.getUserMedia) {
      problem.value = window.isSecureContext ? 'unsupported' : 'insecure'
      state.value = 'error'
      return
    }
    state.value = 'starting'
    const mine = ++session
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      })
      decoder = (await nativeDecoder()) ?? (await workerDecoder())
      if (mine !== session) return stop()
      const el = video.value
      if (!el) throw new Error('video element missing')
      el.srcObject = stream
      el.setAttribute('playsinline', '')
      el.muted = true
      await el.play()
      state.value = 'on'
      loop(mine)
    } catch (e) {
      stop()
      problem.value = problemOf(e)
      state.value = 'error'
    }
  }

  function loop(mine: number) {
    timer = setTimeout(async () => {
      const el = video.value
      if (mine !== session || !decoder || !el) return
      if (el.readyState >= el.HAVE_CURRENT_DATA) {
        const text = await decoder.decode(el).catch(() => null)
        if (mine !== session) return
        if (text) {
          stop()
          onCode(text)
          return
        }
      }
      loop(mine)
    }, 160)
  }

  function stop(): void {
    session++
    clearTimeout(timer)
    stream?.getTracks().forEach((t) => t.stop())
    stream = null
    decoder?.close()
    decoder = null
    if (video.value) video.value.srcObject = null
    if (state.value !== 'error') state.value = 'idle'
  }

  onScopeDispose(stop)
  return { state, problem, start, stop }
}
