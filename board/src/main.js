// The board's shell: a hash router (#/jobs, #/job/<id>, #/data, #/models) and the top bar.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { JobsPage } from './pages/jobs.js';
import { DataPage } from './pages/data.js';
import { ModelsPage } from './pages/models.js';
import { LoginPage } from './pages/login.js';
import { auth, checkSession, logout } from './api.js';
import './style.css';

// The job page carries ECharts and dagre (most of the bundle): it is loaded on first use, so the
// job list (the first page) does not wait for them.
let jobPage;
function LazyJobPage(props) {
  const [, loaded] = useState(0);
  useEffect(() => {
    if (!jobPage) import('./pages/job.js').then((m) => ((jobPage = m.JobPage), loaded(1)));
  }, []);
  return jobPage ? html`<${jobPage} ...${props} />` : html`<p>Loading…</p>`;
}

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { page: parts[0] || 'jobs', args: parts.slice(1) };
}

function App() {
  const [current, setCurrent] = useState(route());
  // 'unknown' until the node says whether it needs a login; 'required' (or any 109) shows the login page.
  const [session, setSession] = useState({ state: 'unknown' });
  useEffect(() => {
    const onHash = () => setCurrent(route());
    addEventListener('hashchange', onHash);
    const onRequired = (e) => setSession({ state: 'required', reason: e.detail });
    addEventListener('fedflow:login-required', onRequired);
    checkSession().then((state) => setSession({ state }), (e) => setSession({ state: 'off', reason: e.message }));
    return () => (removeEventListener('hashchange', onHash), removeEventListener('fedflow:login-required', onRequired));
  }, []);
  // Pages render while the session check runs (their GETs go out at once; POSTs wait for it).
  if (session.state === 'required') {
    return html`
      <header class="top"><span class="brand">fedflow <b>board</b></span></header>
      <main><${LoginPage} reason=${session.reason} onLogin=${() => setSession({ state: 'on' })} /></main>`;
  }
  const tab = (page, label) => html`<a href=${`#/${page}`} class=${current.page === page || (page === 'jobs' && current.page === 'job') ? 'active' : ''}>${label}</a>`;
  let body;
  if (current.page === 'job') body = html`<${LazyJobPage} key=${current.args[0]} jobId=${current.args[0]} component=${current.args[1]} />`;
  else if (current.page === 'data') body = html`<${DataPage} />`;
  else if (current.page === 'models') body = html`<${ModelsPage} />`;
  else body = html`<${JobsPage} />`;
  return html`
    <header class="top">
      <span class="brand">fedflow <b>board</b></span>
      <nav>${tab('jobs', 'Jobs')}${tab('data', 'Data')}${tab('models', 'Models')}</nav>
      ${auth.state === 'on' && html`<span class="who" data-app-key=${auth.appKey}>${auth.appKey} <small>${auth.role}</small> <button class="small" data-action="logout" onClick=${logout}>Sign out</button></span>`}
      <span class="live-dot" title="live updates from /v1/board/events"></span>
    </header>
    <main>${body}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
