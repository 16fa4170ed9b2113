// A real OpenID Connect provider (the npm package oidc-provider) for the single sign-on tests:
// a campus sign-on (统一身份认证) on loopback with its own login page that checks passwords.
//
//   node tests/idp/server.mjs <config.json>
//
// config.json: {"client_id", "client_secret", "redirect_uris": [...],
//   "post_logout_redirect_uris": [...], "accounts": [{"username", "password",
//   "claims": {"name": "张老师", "employee_number": "T0001"}}]}
// The subject of an account is "sub-" + its user name, so a test can tell the subject from
// the claim. Listens on a free loopback port and prints "READY <issuer>" on stdout.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(config.accounts.map((account) => [`sub-${account.username}`, account]));
const byUsername = new Map(config.accounts.map((account) => [account.username, account]));

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function loginForm(uid, message) {
  return page('统一身份认证', `${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>账号 <input name="login" autocomplete="username" autofocus></label>
<label>密码 <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">登录</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: config.redirect_uris,
      post_logout_redirect_uris: config.post_logout_redirect_uris ?? [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-idp', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'employee_number'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    // One first-party client: the school's own service needs no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['name', 'employee_number']);
      await grant.save();
      return grant;
    },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { sub, ...account.claims }; } };
    },
  });
  const oidc = provider.callback();

  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (!match) {
      oidc(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      res.setHeader('Cache-Control', 'no-store');
      if (req.method === 'GET') {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(loginForm(details.uid));
        return;
      }
      const form = await readForm(req);
      const account = byUsername.get(form.get('login') ?? '');
      if (!account || account.password !== form.get('password')) {
        res.statusCode = 401;
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(loginForm(details.uid, '账号或密码错误'));
        return;
      }
      await provider.interactionFinished(req, res, {
        login: { accountId: `sub-${account.username}` },
      }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 400;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(page('登录失败', `<p>${escape(error.message)}</p>`));
    }
  });
  process.stdout.write(`READY ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
