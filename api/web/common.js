/* Huanwei web pages: what every page shares — the sign-in token, API calls, the language
 * switch (strings in i18n.js), small DOM and number helpers, the map with its road base layer,
 * and a grouped bar chart. No build step: plain scripts loaded in order. */
'use strict';

const HW = (() => {
  const TOKEN_KEY = 'huanwei.token';
  const LANG_KEY = 'huanwei.lang';
  const LANGS = ['zh-CN', 'en'];
  const langListeners = [];

  // ------------------------------------------------------------ language

  function lang() {
    const stored = localStorage.getItem(LANG_KEY);
    return LANGS.includes(stored) ? stored : 'zh-CN';
  }

  /** The string `key` in the current language, with `{name}` replaced by params.name. */
  function t(key, params) {
    const entry = HW_STRINGS[key];
    let text = entry ? entry[lang() === 'en' ? 1 : 0] : key;
    for (const [name, value] of Object.entries(params || {})) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  /** A stream's or rule's name, falling back to its id. */
  function named(prefix, id) {
    return HW_STRINGS[`${prefix}.${id}`] ? t(`${prefix}.${id}`) : id;
  }

  function applyI18n(root) {
    const scope = root || document;
    document.documentElement.lang = lang();
    scope.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
    scope.querySelectorAll('[data-i18n-title]').forEach((e) => { e.title = t(e.dataset.i18nTitle); });
    scope.querySelectorAll('[data-i18n-placeholder]').forEach((e) => {
      e.placeholder = t(e.dataset.i18nPlaceholder);
    });
    if (document.body.dataset.title) document.title = `${t(document.body.dataset.title)} · 环卫 Huanwei`;
    const button = document.getElementById('lang-switch');
    if (button) button.textContent = lang() === 'en' ? '中文' : 'EN';
  }

  function setLang(value) {
    localStorage.setItem(LANG_KEY, value);
    applyI18n();
    langListeners.forEach((listener) => listener());
  }

  /** Call `listener` whenever the language changes (pages redraw their dynamic parts). */
  function onLang(listener) { langListeners.push(listener); }

  // ------------------------------------------------------------ signing in and API calls

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function token() { return localStorage.getItem(TOKEN_KEY); }
  function setToken(value) { localStorage.setItem(TOKEN_KEY, value); }

  /** End the session on the server too (every token of the user stops working), then here. */
  async function signOut() {
    if (token()) {
      try {
        await fetch('/auth/sign-out', { method: 'POST', headers: { Authorization: `Bearer ${token()}` } });
      } catch (failure) { /* offline: the token is still forgotten here */ }
    }
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem('huanwei.queue');
    // The driver's offline copy (service worker) is forgotten with the session.
    if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage('forget');
    window.location.assign('/web/');
  }

  function errorMessage(body, status) {
    if (body && Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join('; ');
    if (body && typeof body.detail === 'string') return body.detail;
    return `HTTP ${status}`;
  }

  /** Call the API; JSON in and out. A 401 sends the user to the sign-in page. */
  async function api(path, options) {
    const opts = options || {};
    const headers = { Accept: 'application/json, application/geo+json' };
    if (token()) headers.Authorization = `Bearer ${token()}`;
    let body;
    if (opts.formData) {
      body = opts.formData; // multipart: the browser sets the content type and boundary
    } else if (opts.form) {
      body = new URLSearchParams(opts.form);
    } else if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const response = await fetch(path, { method: opts.method || 'GET', headers, body });
    const type = response.headers.get('content-type') || '';
    const data = type.includes('json') ? await response.json() : await response.text();
    if (response.status === 401 && !opts.signingIn) {
      localStorage.removeItem(TOKEN_KEY);
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(`/web/?next=${next}`);
      throw new ApiError(401, errorMessage(data, 401));
    }
    if (!response.ok) throw new ApiError(response.status, errorMessage(data, response.status));
    return data;
  }

  /** Where a role works. */
  function pageFor(role) {
    return { driver: '/web/driver', planner: '/web/planner' }[role] || '/web/dispatcher';
  }

  const STAFF_PAGES = [['/web/dispatcher', 'dispatcher.title'], ['/web/planner', 'planner.title']];

  /** The header's common end: links to the other staff pages, the user, language, sign out. */
  function headerControls(me) {
    const bar = document.querySelector('header.bar');
    if (!bar || document.getElementById('lang-switch')) return;
    bar.append(el('span', { class: 'spacer' }));
    if (me && me.role !== 'driver') {
      for (const [path, key] of STAFF_PAGES) {
        if (path !== window.location.pathname) bar.append(el('a', { href: path, class: 'nav', 'data-i18n': key }));
      }
    }
    bar.append(
      el('span', { id: 'user', class: 'muted small' }),
      me ? el('a', { href: '/web/password', id: 'password-link', class: 'nav small', 'data-i18n': 'header.password' }) : '',
      el('button', { type: 'button', id: 'lang-switch', class: 'link-button' }),
      el('button', { type: 'button', id: 'sign-out', class: 'link-button', 'data-i18n': 'header.signout' }),
    );
  }

  /** Wire the header (language, sign out, user name). */
  function setupHeader(me) {
    headerControls(me);
    const langButton = document.getElementById('lang-switch');
    if (langButton) langButton.addEventListener('click', () => setLang(lang() === 'en' ? 'zh-CN' : 'en'));
    const out = document.getElementById('sign-out');
    if (out) out.addEventListener('click', signOut);
    const user = document.getElementById('user');
    const showUser = () => { if (user && me) user.textContent = `${me.username} · ${t(`role.${me.role}`)}`; };
    showUser();
    onLang(showUser);
    applyI18n();
  }

  /** Show a refusal instead of the page's content, with a link to the user's own page. */
  function refuse(message, me) {
    document.querySelectorAll('.page-main').forEach((e) => { e.hidden = true; });
    const panel = document.getElementById('refused') || el('section', { id: 'refused', class: 'panel refused' },
      el('h2', { 'data-i18n': 'refused.title' }, t('refused.title')),
      el('p', { class: 'refused-message' }),
      el('a', { class: 'refused-link', href: '/web/', 'data-i18n': 'refused.own' }, t('refused.own')));
    document.querySelector('main').before(panel);
    panel.querySelector('.refused-message').textContent = message;
    if (me) panel.querySelector('.refused-link').href = pageFor(me.role);
    document.body.dataset.state = 'refused';
  }

  /** The signed-in user if their role may use this page; otherwise the page shows a refusal. */
  async function requireSignIn(roles) {
    if (!token()) {
      const next = encodeURIComponent(window.location.pathname + window.location.search);
      window.location.assign(`/web/?next=${next}`);
      return null;
    }
    const me = await api('/users/me');
    setupHeader(me);
    if (!roles.includes(me.role)) {
      refuse(t('refused.role', { role: t(`role.${me.role}`) }), me);
      return null;
    }
    return me;
  }

  // ------------------------------------------------------------ DOM and numbers

  /** A new element: attributes (class, data-*, on* handlers) and children (nodes or text). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Text for a Leaflet tooltip or popup (Leaflet would read a string as HTML). */
  function tip(text) { return el('span', {}, text); }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function num(value, digits) {
    if (value === undefined || value === null || Number.isNaN(Number(value))) return '–';
    const d = digits === undefined ? 1 : digits;
    return Number(value).toLocaleString(lang(), { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  /** Seconds since midnight as HH:MM. */
  function clock(seconds) {
    const s = Math.round(Number(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  }

  /** A clock time as HH:MM, from seconds since midnight or from "HH:MM[:SS]". */
  function hhmm(value) {
    return /^\d+$/.test(String(value)) ? clock(Number(value)) : String(value).slice(0, 5);
  }

  /** "HH:MM" (or seconds) as seconds since midnight. */
  function seconds(value) {
    if (typeof value === 'number') return value;
    const [h, m, s] = String(value).split(':').map(Number);
    return h * 3600 + (m || 0) * 60 + (s || 0);
  }

  /** Today in the browser's time zone, YYYY-MM-DD. */
  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }

  function param(name) { return new URLSearchParams(window.location.search).get(name); }

  /** Put the page's choices into its address (so a reload or a shared link shows the same). */
  function setParams(values) {
    const params = new URLSearchParams(window.location.search);
    for (const [name, value] of Object.entries(values)) {
      if (value === null || value === undefined || value === '') params.delete(name);
      else params.set(name, value);
    }
    window.history.replaceState(null, '', `${window.location.pathname}?${params}`);
  }

  // ------------------------------------------------------------ colours and maps

  /** Okabe & Ito's eight colours, told apart with every common colour-vision deficiency. */
  const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  const SHIFT_DASH = ['', '8 5', '2 5', '12 4 2 4'];

  /** Colour ``index`` of ``count``: Okabe–Ito's up to eight; beyond, hues a golden angle apart
   * at three lightness levels (dark, middle, light in turn), so that neighbours in the list
   * differ in lightness too, which every reader of a map sees. */
  function colour(index, count) {
    const n = count === undefined ? OKABE_ITO.length : count;
    if (n <= OKABE_ITO.length) return OKABE_ITO[index % OKABE_ITO.length];
    const hue = (index * 137.508) % 360;
    const light = [32, 50, 68][index % 3];
    return `hsl(${hue.toFixed(1)}, 75%, ${light}%)`;
  }

  /** A colour per id, distinct for every id of the list and stable for a sorted list. */
  function colours(ids) {
    const map = new Map();
    const sorted = [...new Set(ids)].sort();
    sorted.forEach((id, i) => map.set(id, colour(i, sorted.length)));
    return map;
  }

  const ROAD_WEIGHT = { motorway: 4, trunk: 4, primary: 3.5, secondary: 3, tertiary: 2.5 };

  /** A Leaflet map without tiles: the base layer is the district's road network. */
  function makeMap(element) {
    const map = L.map(element, { zoomSnap: 0.25, preferCanvas: false });
    map.attributionControl.setPrefix('Leaflet');
    map.attributionControl.addAttribution(
      '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors');
    map.createPane('roads');
    map.getPane('roads').style.zIndex = 300;
    map.setView([0, 0], 2);
    return map;
  }

  /** Draw the district's roads under everything else; resolves to the layer. */
  async function addRoads(map, districtId) {
    const roads = await api(`/districts/${districtId}/roads`);
    const layer = L.geoJSON(roads, {
      pane: 'roads',
      interactive: false,
      style: (f) => ({
        color: '#c9c3b6',
        weight: ROAD_WEIGHT[f.properties.highway] || 1.5,
        opacity: 1,
        className: 'hw-road',
      }),
    }).addTo(map);
    return layer;
  }

  /** Fit the map to the first layer that has bounds. */
  function fit(map, ...layers) {
    for (const layer of layers) {
      const bounds = layer && layer.getBounds && layer.getBounds();
      if (bounds && bounds.isValid()) {
        map.fitBounds(bounds, { padding: [16, 16] });
        return;
      }
    }
  }

  // ------------------------------------------------------------ charts

  /** The smallest of 1, 2, 2.5, 5 × 10^k (k whole) at or above `value`: a round axis top. */
  function niceMax(value) {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    return [1, 2, 2.5, 5, 10].map((f) => f * power).find((v) => v >= value * (1 - 1e-9));
  }

  /**
   * A grouped bar chart as SVG: one group per category, one bar per series.
   * series: [{name, colour, values: [number per category]}]
   */
  function barChart(categories, series, options) {
    const opts = options || {};
    const width = opts.width || 520;
    const height = opts.height || 220;
    const left = 44; const bottom = 28; const top = 22;
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('class', 'chart');
    const add = (name, attrs, text) => {
      const node = document.createElementNS(ns, name);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => Number(v) || 0))));
    const plotW = width - left - 8; const plotH = height - top - bottom;
    const groupW = plotW / Math.max(1, categories.length);
    const barW = Math.max(2, (groupW * 0.8) / Math.max(1, series.length));
    for (let i = 0; i <= 4; i += 1) {
      const y = top + plotH - (plotH * i) / 4;
      add('line', { x1: left, x2: width - 8, y1: y, y2: y, class: 'grid' });
      add('text', { x: left - 4, y: y + 4, 'text-anchor': 'end', class: 'axis' }, num((max * i) / 4, max >= 20 ? 0 : (max >= 2 ? 1 : 2)));
    }
    categories.forEach((category, c) => {
      const x0 = left + c * groupW + groupW * 0.1;
      series.forEach((s, k) => {
        const value = Number(s.values[c]) || 0;
        const h = (plotH * value) / max;
        const bar = add('rect', { x: x0 + k * barW, y: top + plotH - h, width: barW - 1, height: h, fill: s.colour, class: 'bar' });
        const title = document.createElementNS(ns, 'title');
        title.textContent = `${s.name} · ${category}: ${num(value, opts.digits === undefined ? 1 : opts.digits)}`;
        bar.append(title);
      });
      if (categories.length <= 24) {
        add('text', { x: x0 + (groupW * 0.8) / 2, y: height - bottom + 14, 'text-anchor': 'middle', class: 'axis' }, category);
      }
    });
    series.forEach((s, k) => {
      add('rect', { x: left + k * 110, y: 4, width: 10, height: 10, fill: s.colour });
      add('text', { x: left + k * 110 + 14, y: 13, class: 'legend' }, s.name);
    });
    return svg;
  }

  return {
    t, named, lang, setLang, onLang, applyI18n,
    ApiError, api, token, setToken, signOut, pageFor, setupHeader, requireSignIn, refuse,
    el, tip, clear, num, clock, hhmm, seconds, today, param, setParams,
    colour, colours, SHIFT_DASH, makeMap, addRoads, fit, barChart,
  };
})();
