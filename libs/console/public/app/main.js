import { render } from 'preact';
import { html } from './html.js';
import { restoreSession } from './session.js';
import { App } from './shell.js';

render(html`<${App} />`, document.getElementById('console'));
restoreSession();
