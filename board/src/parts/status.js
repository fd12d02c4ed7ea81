import { html } from '../html.js';

export function Status({ status }) {
  return html`<span class=${`status status-${status ?? 'unknown'}`} data-status=${status}>${status ?? '—'}</span>`;
}

export function Progress({ value }) {
  const v = Math.max(0, Math.min(100, Number(value) || 0));
  return html`<span class="progress" title=${`${v}%`}><span style=${`width:${v}%`}></span><em>${v}%</em></span>`;
}
