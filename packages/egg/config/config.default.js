// Default configuration of the logward Egg.js plugin (config key `logward`). Apps override it in their
// own config/config.default.js. The middleware options are the ones of logwardKoa (see README).
export default {
  logward: {
    /** Proxies whose X-Forwarded-For is believed: IPs, CIDR blocks or "loopback". */
    trustedProxies: [],
    /** egg-session's cookie; only its keyed hash reaches the logs (session.id). */
    sessionCookie: 'EGG_SESS',
    /** Routes where a 401 is a failed login (authn_login_fail). */
    loginRoutes: [],
    /** 400/401/403/422/429 responses and unhandled errors become events/lines automatically. */
    automaticEvents: true,
    /** Add an OTel transport to every egg-logger logger (app.logger, ctx.logger, coreLogger, ...). */
    bridgeLoggers: true,
    /** Lowest egg-logger level that is bridged to OTel. */
    bridgeLevel: 'INFO',
    /**
     * startSecurityLogging options ({ serviceName, endpoint, redaction, ... }). When set, the plugin
     * starts the OTel pipeline in every worker and the agent and stops it on close; when unset, the
     * app starts it itself (or nothing is exported).
     */
    otel: undefined,
  },
};
