import { html } from '../html.js';

/** A labelled input; `hint` is read with it (aria-describedby). */
export function Field({ id, label, hint, ...input }) {
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
      <input id=${id} name=${id} aria-describedby=${hintId} ...${input} />
    </div>
  `;
}

/** The region where a form's errors appear; present from the start so that screen readers announce each change. */
export function Alert({ message }) {
  return html`<div class="alert" role="alert">${message && html`<p>${message}</p>`}</div>`;
}
