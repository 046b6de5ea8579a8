/**
 * The layers, kept by `npm run lint` (depcruise). One direction only:
 *   routes -> services -> domain -> contract;  services -> db, push, mail;  jobs -> services.
 * domain is pure (no database, no HTTP); db is the only place with SQL (ESLint keeps that part, see
 * eslint.config.js); the client sees the server only through server/contract (and, for types, app.ts).
 */

module.exports = {
  forbidden: [
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the cruiser cannot follow would hide its arrows from every rule below.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^virtual:' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: two modules that need each other belong together, or one part moves down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ holds pure rules over plain values: no database, HTTP, services or config.',
      from: { path: '^server/domain/' },
      to: {
        path: [
          '^server/(?!domain/|contract/)',
          'node_modules/(hono|@hono|kysely|better-sqlite3|pg|web-push|nodemailer)/',
        ],
      },
    },
    {
      name: 'contract-is-shared',
      severity: 'error',
      comment: 'contract/ is shared with the client: zod schemas and constants only.',
      from: { path: '^server/contract/' },
      to: { path: ['^server/(?!contract/)', '^client/'] },
    },
    {
      name: 'routes-call-services',
      severity: 'error',
      comment: 'A route validates, calls a service and answers; the database, push and jobs are behind services.',
      from: { path: '^server/routes/' },
      to: { path: '^server/(db|push|mail|jobs|seed)/' },
    },
    {
      name: 'middleware-calls-services',
      severity: 'error',
      from: { path: '^server/middleware/' },
      to: { path: '^server/(db|push|mail|jobs|seed|routes)/' },
    },
    {
      name: 'services-stay-below-routes',
      severity: 'error',
      comment: 'Use cases know nothing of HTTP routes, middleware or the scheduler that calls them.',
      from: { path: '^server/services/' },
      to: { path: '^server/(routes|middleware|jobs|seed|app\\.ts|index\\.ts)' },
    },
    {
      name: 'jobs-call-services',
      severity: 'error',
      comment: 'Scheduled jobs call use cases; they never reach into the database themselves.',
      from: { path: '^server/jobs/' },
      to: { path: '^server/(db|routes|middleware|push|mail)/' },
    },
    {
      name: 'db-is-the-bottom',
      severity: 'error',
      comment: 'db/ runs SQL for the layers above and imports none of them.',
      from: { path: '^server/db/' },
      to: { path: '^server/(services|routes|middleware|jobs|push|mail|seed)/' },
    },
    {
      name: 'transports-are-leaves',
      severity: 'error',
      comment: 'push/ (Web Push over HTTP) and mail/ (SMTP) send what services give them; they know no tables.',
      from: { path: '^server/(push|mail)/' },
      to: { path: '^server/(db|services|routes|middleware|jobs|seed)/' },
    },
    {
      name: 'client-sees-only-the-contract',
      severity: 'error',
      comment: 'The client bundle takes schemas and constants from server/contract, and types only from app.ts.',
      from: { path: '^client/' },
      to: { path: '^server/(?!contract/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-never-imports-client',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^client/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-server|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.vue', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      mainFields: ['module', 'main', 'types'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
}
