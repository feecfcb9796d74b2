import { boot } from './common.js';

/** Clean paths → page modules; each page's markup is a <template> in index.html. */
const PAGES = { '/': 'events', '/event': 'event', '/dlq': 'dlq', '/connectors': 'connectors', '/rules': 'rules' };
const page = PAGES[location.pathname] ?? 'events';
const template = document.getElementById(`page-${page}`);
document.title = `hookhub · ${template.dataset.title}`;
document.getElementById('main').append(template.content.cloneNode(true));
await boot(page);
await import(`./${page}.js`);
