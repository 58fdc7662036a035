// Public entry point of @logward/egg: Koa and Express middleware, the Egg.js plugin's building blocks,
// and the events only the application knows.
export { logwardKoa, koaRequestInfo, type KoaLikeContext, type KoaLikeMiddleware } from './koa.ts';
export {
  logwardExpress,
  logwardExpressErrors,
  expressRequestInfo,
  type ExpressLikeRequest,
} from './express.ts';
export {
  createRequestSecurity,
  validationFields,
  statusOfError,
  markReported,
  type IncomingRequestInfo,
  type RequestSecurity,
} from './request-security.ts';
export {
  resolveClient,
  trustedProxyMatcher,
  normalizeAddress,
  type ClientEndpoint,
} from './client-address.ts';
export { defaultUserIdFrom, resolveOptions, type HttpSecurityOptions } from './options.ts';
export {
  loginSucceeded,
  loginFailed,
  accountLocked,
  accessDenied,
  permissionsChanged,
  validationFailed,
  rateLimitExceeded,
} from './app-events.ts';
export { setLogwardHttpLogger } from './emit.ts';
export { OtelLoggerTransport, bridgeEggLoggers, type EggLoggers } from './logger-bridge.ts';
