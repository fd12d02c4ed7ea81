// Preact through htm's tagged templates: no JSX, so no compiler plugin in the build.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
