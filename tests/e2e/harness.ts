import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import sharp from 'sharp'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { freePort } from '../helpers/net.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const PHONE = { width: 390, height: 844 }

export interface RunningServer {
  url: string
  dataDir: string
  output: () => string
  stop(): Promise<void>
}

/**
 * For a test file: the demo server and Chromium, started before its tests (within `timeout` ms if
 * given) and stopped after them. Read `server` and `browser` inside tests, once they have started.
 */
export function serverAndBrowser(
  timeout?: number,
  env: Record<string, string> | (() => Record<string, string>) = {},
): { server: RunningServer; browser: Browser } {
  const running = {} as { server: RunningServer; browser: Browser }
  beforeAll(async () => {
    running.server = await startServer(['--demo'], typeof env === 'function' ? env() : env)
    running.browser = await launch()
  }, timeout)
  afterAll(async () => {
    await running.browser?.close()
    await running.server?.stop()
  })
  return running
}

/**
 * The real server (`--demo` seeds Demo Café and Salon Lena) on its own SQLite file, serving the built
 * client from dist/; `env` adds settings (SIGNUP, SMTP_URL, …).
 */
export async function startServer(
  args: string[] = ['--demo'],
  env: Record<string, string> = {},
): Promise<RunningServer> {
  if (!fs.existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first (npm test does)')
  const port = await freePort()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-e2e-'))
  const url = `http://localhost:${port}`
  let out = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts', ...args], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      PUBLIC_URL: url,
      NODE_ENV: 'test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    url,
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Content-Security-Policy violations seen by any page of any context this file's browsers opened:
 * the browser's `securitypolicyviolation` reports (script, style, image, worker, connect, frame...)
 * and its "Refused to ..." console errors. Every e2e test fails on one (afterEach below), so a screen
 * that needs an inline script, an inline style sheet or another host cannot slip in.
 */
export const cspViolations: string[] = []
const CSP_TAG = '[csp-violation]'
const WATCH_CSP = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error(${JSON.stringify(CSP_TAG)} + ' ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + location.pathname + (e.sample ? ' (' + e.sample + ')' : ''))
})`

async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(WATCH_CSP)
  const watch = (page: Page) =>
    page.on('console', (m) => {
      const text = m.text()
      if (text.startsWith(CSP_TAG) || /Content Security Policy/i.test(text)) cspViolations.push(text)
    })
  context.pages().forEach(watch)
  context.on('page', watch)
}

afterEach(() => {
  const seen = cspViolations.splice(0)
  expect(seen, 'Content-Security-Policy violations').toEqual([])
})

/** Chromium headless; `extraArgs` for a test's own switches (a fake camera). */
export async function launch(extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  })
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await newContext(options)
    await watchCsp(context)
    return context
  }
  return browser
}

export async function phoneContext(browser: Browser, baseURL: string, locale = 'en-US'): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale })
}

/** Signs a member of staff in through the login form and waits for the scanner, where every sign-in lands. */
export async function staffSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/staff/login')
  await page.getByTestId('staff-email').fill(email)
  await page.getByTestId('staff-password').fill(password)
  await page.getByTestId('staff-login-submit').click()
  await page.waitForURL('**/staff/scan')
}

/** axe-core with the WCAG 2.1 A/AA rules; any violation fails with its id and the elements. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  const summary = result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  )
  expect(summary).toEqual([])
}

export const SCREENSHOTS = 'test-results/screenshots'
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/** A screenshot is "rendered" when it is not one flat colour: some pixels differ a lot from the rest. */
export async function expectNotBlank(file: string): Promise<void> {
  const { channels } = await sharp(file).stats()
  expect(Math.max(...channels.map((c) => c.stdev))).toBeGreaterThan(20)
}
