import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/*
 * deploy/nginx.conf, the proxy of docs/deploying.md, must be a configuration nginx accepts. Run
 * with `nginx -t` on a copy whose certificate, pid and log paths point into a temporary folder.
 * Where nginx is not installed the check is skipped, except in CI, which installs it.
 */
const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p))

describe('deploy/nginx.conf', () => {
  it.skipIf(!nginx && !process.env.CI)('passes nginx -t', () => {
    expect(nginx, 'nginx is not installed (apt-get install -y nginx)').toBeDefined()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-nginx-'))
    try {
      const cert = path.join(dir, 'cert.pem')
      const key = path.join(dir, 'key.pem')
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=wallet.example.com',
        '-keyout',
        key,
        '-out',
        cert,
      ])
      expect(made.status, String(made.stderr)).toBe(0)
      const conf = fs
        .readFileSync('deploy/nginx.conf', 'utf8')
        .replace(/ssl_certificate .*;/, `ssl_certificate ${cert};`)
        .replace(/ssl_certificate_key .*;/, `ssl_certificate_key ${key};`)
        .replace(/^pid .*;/m, `pid ${dir}/nginx.pid;`)
        .replace(/error_log [^\s;]+/, `error_log ${dir}/error.log`)
        .replace(/access_log [^\s;]+/, `access_log ${dir}/access.log`)
      const file = path.join(dir, 'nginx.conf')
      fs.writeFileSync(file, conf)
      const r = spawnSync(nginx!, ['-t', '-q', '-p', dir, '-c', file], { encoding: 'utf8' })
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('hands the app the address it saw, as TRUST_PROXY=1 in docs/deploying.md expects', () => {
    const conf = fs.readFileSync('deploy/nginx.conf', 'utf8')
    // One hop: the rightmost X-Forwarded-For entry must be nginx's own $remote_addr.
    expect(conf).toMatch(/proxy_set_header X-Forwarded-For (\$remote_addr|\$proxy_add_x_forwarded_for);/)
    expect(fs.readFileSync('docs/deploying.md', 'utf8')).toMatch(/TRUST_PROXY=1\b/)
  })
})
