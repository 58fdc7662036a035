// Security events only the application knows (a login's outcome, a role change, ...). Each one is
// written inside the current request's context, so it carries the request id, client address and,
// once authentication ran, the acting user; and each suppresses the automatic event of the same
// family for this request (a login handler that reports authn_login_fail and answers 401 is one event).
import { emitEvent, type EventAttributes } from './emit.ts';
import { markReported } from './request-security.ts';

function report(name: Parameters<typeof emitEvent>[0], attributes: EventAttributes, message: string): void {
  markReported(name);
  emitEvent(name, attributes, message);
}

/**
 * `userId` here is the account the login was for (the OWASP userid argument), which is what brute
 * force and stuffing rules group by; it is not taken as the acting user of the request.
 */
export function loginSucceeded(userId: string, method = 'password'): void {
  report(
    'authn_login_success',
    { 'user.id': userId, 'logward.authn.method': method },
    `Login succeeded for ${userId}`,
  );
}

export function loginFailed(userId: string, method = 'password'): void {
  report(
    'authn_login_fail',
    { 'user.id': userId, 'logward.authn.method': method },
    `Login failed for ${userId}`,
  );
}

export function accountLocked(userId: string, reason = 'maxretries'): void {
  report(
    'authn_login_lock',
    { 'user.id': userId, 'logward.authn.lock_reason': reason },
    `Account ${userId} locked (${reason})`,
  );
}

/** The acting user (from the request context) was denied `resource`. */
export function accessDenied(resource: string): void {
  report('authz_fail', { 'logward.authz.resource': resource }, `Access to ${resource} denied`);
}

export function permissionsChanged(change: {
  targetUser: string;
  newRole: string;
  oldRole?: string;
  object?: string;
}): void {
  const attributes: EventAttributes = {
    'logward.privilege.target_user': change.targetUser,
    'logward.privilege.new_role': change.newRole,
  };
  if (change.oldRole) attributes['logward.privilege.old_role'] = change.oldRole;
  if (change.object) attributes['logward.privilege.object'] = change.object;
  report(
    'privilege_permissions_changed',
    attributes,
    `Permissions of ${change.targetUser} changed${change.oldRole ? ` from ${change.oldRole}` : ''} to ${change.newRole}`,
  );
}

export function validationFailed(fields: string[]): void {
  report(
    'input_validation_fail',
    { 'logward.input.fields': fields },
    `Input validation failed: ${fields.join(', ')}`,
  );
}

export function rateLimitExceeded(max: number): void {
  report('excess_rate_limit_exceeded', { 'logward.rate_limit.max': max }, `Rate limit of ${max} exceeded`);
}
