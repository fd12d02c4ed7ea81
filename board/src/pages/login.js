// Login on a node with app keys: the app key and secret sign one request (POST /v1/board/session,
// FATE-Flow's signature computed in the page); the node answers a session cookie. The secret is
// not stored anywhere — not in localStorage, not in sessionStorage — only this form's memory.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { login } from '../api.js';

export function LoginPage({ reason, onLogin }) {
  const [error, setError] = useState();
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    setBusy(true);
    setError(undefined);
    try {
      await login(form.appKey.value.trim(), form.secret.value);
      form.secret.value = '';
      onLogin();
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <section class="login card">
      <h3>Sign in to this node</h3>
      <p class="hint">This node requires signed requests (app keys). The board signs one request with your app key and secret (FATE-Flow's HMAC-SHA1 signature, computed in this page) and the node answers an 8-hour session. The secret itself is never sent nor stored.</p>
      ${reason && html`<p class="hint"><small>${reason}</small></p>`}
      <form onSubmit=${submit} data-form="login">
        <label>App key <input name="appKey" autocomplete="username" required /></label>
        <label>App secret <input name="secret" type="password" autocomplete="current-password" required /></label>
        <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      ${error && html`<p class="error" data-login-error>${error}</p>`}
    </section>`;
}
