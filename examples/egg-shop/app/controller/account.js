// Controllers of the example: the login outcome and a role change are events only the app knows;
// a 403 becomes authz_fail automatically. ctx.logger lines reach OTel through the plugin's bridge.
import { randomBytes } from 'node:crypto';
import { Controller } from 'egg';
import { loginFailed, loginSucceeded, permissionsChanged } from '@logward/egg';

// Obviously fake demo accounts.
const users = {
  alice: { id: 'alice', password: 'demo-password-alice', role: 'customer' },
  admin: { id: 'admin', password: 'demo-password-admin', role: 'admin' },
};
const sessions = new Map();

function currentUser(ctx) {
  const token = (ctx.get('authorization') || '').replace(/^Bearer /, '');
  return sessions.get(token);
}

export default class AccountController extends Controller {
  async login() {
    const { username, password } = this.ctx.request.body ?? {};
    const user = users[username];
    if (!user || user.password !== password) {
      loginFailed(String(username ?? ''));
      this.ctx.status = 401;
      this.ctx.body = { error: 'invalid credentials' };
      return;
    }
    const token = randomBytes(16).toString('hex');
    sessions.set(token, user);
    this.ctx.state.user = user;
    loginSucceeded(user.id);
    this.ctx.logger.info('user %s logged in', user.id);
    this.ctx.body = { token };
  }

  async products() {
    this.ctx.body = [{ id: 'p1', name: 'teapot' }];
  }

  async adminUser() {
    this.ctx.state.user = currentUser(this.ctx);
    if (this.ctx.state.user?.role !== 'admin') {
      this.ctx.status = 403;
      this.ctx.body = { error: 'forbidden' };
      return;
    }
    this.ctx.body = { id: this.ctx.params.id };
  }

  async changeRole() {
    this.ctx.state.user = currentUser(this.ctx);
    if (this.ctx.state.user?.role !== 'admin') {
      this.ctx.status = 403;
      return;
    }
    const target = users[this.ctx.params.id];
    const role = this.ctx.request.body?.role;
    if (!target || (role !== 'admin' && role !== 'customer')) {
      this.ctx.status = 422;
      this.ctx.body = { error: 'unknown user or role' };
      return;
    }
    const oldRole = target.role;
    target.role = role;
    permissionsChanged({ targetUser: target.id, oldRole, newRole: role });
    this.ctx.body = { id: target.id, role };
  }
}
