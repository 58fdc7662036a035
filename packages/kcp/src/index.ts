// Public entry point of @logward/kcp: security logging for KCP servers and clients on node-kcp.
export { createKcpServer, KcpServer, type KcpServerOptions, type KcpServerEvents } from './server.ts';
export { connectKcp, type KcpClient, type KcpClientOptions } from './client.ts';
export {
  KcpSession,
  defaultTimeouts,
  type Endpoint,
  type KcpHandshake,
  type KcpSessionTimeouts,
  type KcpTuning,
} from './session.ts';
export {
  kcpEventNames,
  loggerSink,
  defaultSink,
  rejectReasonForInputCode,
  type KcpEventName,
  type KcpEventSink,
  type KcpEventAttributes,
  type KcpEventOptions,
  type KcpCloseReason,
  type KcpFailReason,
  type KcpRejectReason,
} from './events.ts';
export { readSegmentHeader, readSegmentHeaders, windowProbe, KCP_OVERHEAD } from './segment.ts';
