import { h } from 'preact';
import htm from 'htm';

/** Tagged template for JSX-like markup: html`<div class="x">${value}</div>`. */
export const html = htm.bind(h);
