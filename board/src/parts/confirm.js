// An in-page confirmation (not window.confirm): it says what will happen and can be tested.
import { html } from '../html.js';

export function Confirm({ title, text, action, onConfirm, onCancel }) {
  return html`
    <div class="modal-back" onClick=${onCancel}>
      <div class="modal" role="dialog" onClick=${(e) => e.stopPropagation()}>
        <h3>${title}</h3>
        <p>${text}</p>
        <div class="actions">
          <button onClick=${onCancel}>Cancel</button>
          <button class="danger" data-action="confirm" onClick=${onConfirm}>${action}</button>
        </div>
      </div>
    </div>`;
}
