/* The driver's phone page: today's stops in order with ETAs, the next stop first with done and
 * skip buttons, and the map. A driver sees their own crew's assignment (/me/assignment); staff may
 * open any crew's page read-only (?district=…&crew=…); another driver is refused by the API. */
'use strict';

(async () => {
  const me = await HW.requireSignIn(['driver', 'admin', 'dispatcher', 'planner']);
  if (!me) return;
  const { t, el } = HW;
  const crewParam = HW.param('crew');
  const districtParam = HW.param('district');
  const viewingCrew = crewParam !== null;
  const own = me.role === 'driver'
    && (!viewingCrew || (crewParam === me.crew_id && Number(districtParam) === me.district_id));
  const message = document.getElementById('message');
  const dateInput = document.getElementById('date');
  let date = HW.param('date') || HW.today();
  dateInput.value = date;

  if (me.role !== 'driver' && !viewingCrew) {
    message.textContent = t('driver.staffhint');
    message.hidden = false;
    document.body.dataset.state = 'ready';
    return;
  }
  if (viewingCrew) {
    const viewing = document.getElementById('viewing');
    viewing.textContent = t('driver.viewing', { crew: crewParam });
    viewing.hidden = false;
  }

  const map = HW.makeMap('map');
  let roads = null;
  let stopsLayer = null;
  let routeLayer = null;
  let assignment = null;
  let fitted = false;

  function flatStops() {
    return assignment.routes.flatMap((route) => route.stops.map((stop) => ({ route, stop })));
  }

  function nextIndex(stops) {
    return stops.findIndex(({ stop }) => stop.kind === 'visit' && stop.status === 'planned');
  }

  function showMessage(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function assignmentUrl() {
    return viewingCrew
      ? `/districts/${encodeURIComponent(districtParam)}/crews/${encodeURIComponent(crewParam)}/assignment?date=${date}`
      : `/me/assignment?date=${date}`;
  }

  // ---------------------------------------------------------------- live updates
  // The page asks every POLL_MS whether the assignment changed (an urgent pickup, a re-plan, a
  // dispatcher's change): the server answers 304 while it has not (ETag), so a phone spends a
  // few hundred bytes a poll; a change is shown at once, with a notice.
  const POLL_MS = 5000;
  let etag = null;

  async function poll() {
    if (document.hidden || !assignment) return;
    if (queued().length) await flush();
    const headers = { Accept: 'application/json', Authorization: `Bearer ${HW.token()}` };
    if (etag) headers['If-None-Match'] = etag;
    let response;
    try {
      response = await fetch(assignmentUrl(), { headers });
    } catch (failure) {
      return; // offline: the next poll tries again
    }
    if (response.status === 304 || !response.ok) return;
    etag = response.headers.get('ETag');
    const fresh = await response.json();
    if (!assignment || JSON.stringify(fresh.routes) === JSON.stringify(assignment.routes)) return;
    const before = new Set(flatStops().map(({ stop }) => `${stop.id}/${stop.visit}`));
    assignment = fresh;
    const added = flatStops().filter(({ stop }) => stop.kind === 'visit' && !before.has(`${stop.id}/${stop.visit}`));
    const notice = document.getElementById('update-notice');
    notice.textContent = added.length
      ? t('driver.updated.added', { stops: added.map(({ stop }) => (stop.name ? `${stop.name} ${stop.id}` : stop.id)).join('、') })
      : t('driver.updated', { version: fresh.version });
    notice.hidden = false;
    render();
  }
  setInterval(poll, POLL_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });

  async function load() {
    const url = assignmentUrl();
    try {
      assignment = await HW.api(url);
    } catch (failure) {
      assignment = null;
      if (failure.status === 403) {
        HW.refuse(`${t('refused.crew')} (${failure.message})`, me);
        return;
      }
      if (failure.status === 404 || failure.status === 422) {
        showMessage(failure.status === 404 ? t('driver.noplan', { date }) : failure.message);
        render();
        document.body.dataset.state = 'ready';
        return;
      }
      throw failure;
    }
    showMessage('');
    // Reports still waiting to be sent are shown as made (the page may be an offline copy).
    for (const item of queued().filter((q) => q.date === date)) {
      const found = flatStops().find(({ stop }) => stop.id === item.point_id && (stop.visit || 0) === item.visit);
      if (found) Object.assign(found.stop, { status: item.status, reason: item.reason });
    }
    showQueue();
    if (!roads) roads = await HW.addRoads(map, assignment.district_id);
    render();
    document.body.dataset.state = 'ready';
  }

  function renderSummary() {
    const box = HW.clear(document.getElementById('routes-summary'));
    if (!assignment) return;
    box.append(el('div', { class: 'muted small' },
      t('driver.crew', { crew: assignment.crew }), ' · ', t('driver.version', { version: assignment.version })));
    if (!assignment.routes.length) box.append(el('p', {}, t('driver.noroute')));
    for (const route of assignment.routes) {
      box.append(el('div', { class: 'route-summary' },
        el('strong', {}, `${route.shift} ${HW.hhmm(route.shift_start)}–${HW.hhmm(route.shift_end)}`),
        el('span', {}, `${t('driver.vehicle')} ${route.vehicle} (${route.vehicle_type})`),
        el('span', {}, `${t('driver.depot')} ${route.depot} · ${HW.hhmm(route.start)}–${HW.hhmm(route.end)}`),
        el('span', {}, t('driver.trips', { n: route.trips }))));
    }
  }

  function renderNext(stops, next) {
    const card = document.getElementById('next');
    const allDone = document.getElementById('all-done');
    card.hidden = next < 0;
    allDone.hidden = !(assignment && stops.length && next < 0);
    document.getElementById('skip-form').hidden = true;
    if (next < 0) return;
    const { stop } = stops[next];
    const lastReported = stops.reduce((last, s, i) => (s.stop.kind === 'visit' && s.stop.status !== 'planned' ? i : last), -1);
    const unload = stops.slice(lastReported + 1, next).find((s) => s.stop.kind === 'unload');
    const first = document.getElementById('next-unload-first');
    first.hidden = !unload;
    if (unload) first.textContent = t('driver.unloadfirst', { facility: unload.stop.name || unload.stop.id, eta: HW.hhmm(unload.stop.eta) });
    document.getElementById('next-eta').textContent = HW.hhmm(stop.eta);
    document.getElementById('next-name').textContent = stop.name ? `${stop.name} · ${stop.id}` : stop.id;
    const where = document.getElementById('next-where');
    where.textContent = [stop.address, stop.note ? `${t('driver.access')}: ${stop.note}` : ''].filter(Boolean).join(' · ');
    where.hidden = !where.textContent;
    document.getElementById('next-detail').textContent = [
      HW.named('stream', stop.stream),
      amount(stop),
      t('driver.seq', { n: stop.seq, total: stops.length }),
      stop.visit ? t('driver.visitno', { n: stop.visit + 1 }) : '',
    ].filter(Boolean).join(' · ');
    document.getElementById('next-actions').hidden = !own;
    const links = HW.clear(document.getElementById('nav-links'));
    for (const [key, href] of navLinks(stop)) {
      const outside = href.startsWith('http');
      links.append(el('a', outside ? { href, class: `nav-${key}`, target: '_blank', rel: 'noopener' } : { href, class: `nav-${key}` }, t(`driver.nav.${key}`)));
    }
  }

  /** Where to hand the stop to a navigation app: in China Amap, Baidu and Tencent maps, each
   * link carrying the position in its app's datum (GCJ-02, BD-09; the server converts), then
   * the phone's own geo: handler; elsewhere geo: and OpenStreetMap. */
  function navLinks(stop) {
    if (stop.nav && stop.nav.in_china) {
      return [['amap', stop.nav.amap], ['baidu', stop.nav.baidu], ['tencent', stop.nav.tencent], ['geo', stop.geo_uri]];
    }
    return [['geo', stop.geo_uri], ['osm', stop.osm_url]];
  }

  /** Pan and zoom the map to the next stop. */
  function centreOnNext() {
    const stops = assignment ? flatStops() : [];
    const next = assignment ? nextIndex(stops) : -1;
    map.invalidateSize({ pan: false });  // the page may have changed the map's width (a scrollbar, a turned phone)
    if (next >= 0) map.setView([stops[next].stop.lat, stops[next].stop.lon], Math.max(map.getZoom(), 17));
  }

  /** What is on board after a visit, or what is unloaded. */
  function amount(stop) {
    return t(stop.kind === 'unload' ? 'driver.unloadkg' : 'driver.onboard', { kg: HW.num(stop.kg, 0) });
  }

  function statusText(stop) {
    if (stop.status === 'done') return t('status.done');
    if (stop.status === 'skipped') return `${t('status.skipped')}: ${stop.reason}`;
    return '';
  }

  function renderList(stops, next) {
    const list = HW.clear(document.getElementById('stops'));
    stops.forEach(({ stop }, i) => {
      const classes = ['stop', `stop-${stop.kind}`, `status-${stop.status}`];
      if (i === next) classes.push('is-next');
      const name = stop.kind === 'unload' ? t('driver.unloadat', { facility: stop.name || stop.id }) : (stop.name || stop.id);
      const item = el('li', { class: classes.join(' '), 'data-point': stop.id, 'data-visit': stop.visit ?? '' },
        el('span', { class: 'stop-eta', title: stop.eta }, HW.hhmm(stop.eta)),
        el('span', { class: 'stop-name' }, name),
        el('span', { class: `tag stream-${stop.stream}` }, HW.named('stream', stop.stream)),
        el('span', { class: 'stop-meta' }, `${stop.seq}. ${stop.address ? `${stop.address} · ` : ''}${amount(stop)} `,
          el('span', { class: 'stop-status' }, statusText(stop))));
      // Stops are sometimes served out of order: any planned visit can be marked done.
      if (own && stop.kind === 'visit' && stop.status === 'planned' && i !== next) {
        item.append(el('button', { type: 'button', class: 'small-button', onclick: () => report(stop, 'done', '') }, t('driver.done')));
      }
      // A report by mistake is taken back the same day: the visit is planned again.
      if (own && stop.kind === 'visit' && stop.status !== 'planned') {
        item.append(el('button', { type: 'button', class: 'small-button undo-button', onclick: () => report(stop, 'planned', '') }, t('driver.undo')));
      }
      list.append(item);
    });
  }

  function renderMap(stops, next) {
    if (routeLayer) routeLayer.remove();
    if (stopsLayer) stopsLayer.remove();
    routeLayer = L.layerGroup().addTo(map);
    stopsLayer = L.layerGroup().addTo(map);
    if (!assignment) return;
    const shifts = assignment.routes.map((r) => r.shift);
    for (const feature of assignment.geojson.features) {
      if (feature.properties.kind !== 'route') continue;
      const index = shifts.indexOf(feature.properties.shift);
      L.polyline(feature.geometry.coordinates.map(([lon, lat]) => [lat, lon]), {
        color: HW.colour(Math.max(0, index)), weight: 4, opacity: 0.8, className: 'hw-route',
      }).addTo(routeLayer);
    }
    stops.forEach(({ stop }, i) => {
      const fill = { done: '#2e7d32', skipped: '#ef6c00' }[stop.status] || (stop.kind === 'unload' ? '#222' : '#1565c0');
      const marker = L.circleMarker([stop.lat, stop.lon], {
        radius: i === next ? 10 : (stop.kind === 'unload' ? 7 : 5),
        color: i === next ? '#000' : '#fff',
        weight: i === next ? 3 : 1,
        fillColor: fill,
        fillOpacity: 0.95,
        className: i === next ? 'hw-stop hw-next' : `hw-stop hw-${stop.kind}`,
      }).addTo(stopsLayer);
      marker.bindTooltip(HW.tip(`${stop.seq}. ${HW.hhmm(stop.eta)} ${stop.name || stop.id}`));
    });
    if (!fitted) {
      HW.fit(map, routeLayer.getLayers().length ? L.featureGroup(routeLayer.getLayers()) : null, roads);
      fitted = true;
    }
  }

  function render() {
    renderSummary();
    const stops = assignment ? flatStops() : [];
    const next = assignment ? nextIndex(stops) : -1;
    renderNext(stops, next);
    renderList(stops, next);
    renderMap(stops, next);
    for (const id of ['gpx', 'ics']) document.getElementById(id).hidden = !(own && assignment);
    document.getElementById('centre-next').hidden = next < 0;
  }

  // ---------------------------------------------------------------- offline
  // A service worker keeps the page and the last assignment for a reload without network; a
  // report made offline waits in a queue (kept on the phone) and is sent, in order, when the
  // network is back — at once on the browser's 'online' event, or at the next poll.
  const QUEUE_KEY = 'huanwei.queue';
  if ('serviceWorker' in navigator && own) navigator.serviceWorker.register('/web/sw.js').catch(() => {});

  function queued() {
    try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]'); } catch (failure) { return []; }
  }

  function showQueue() {
    const waiting = queued().length;
    const box = document.getElementById('queue-notice');
    box.textContent = waiting ? t('driver.queued', { n: waiting }) : '';
    box.hidden = !waiting;
  }

  // One sending at a time: the 'online' event and a poll may both ask, and two sendings of the
  // same queue would report a stop twice (the second refused as a conflict).
  let flushing = null;
  function flush() {
    if (!flushing) flushing = sendQueued().finally(() => { flushing = null; });
    return flushing;
  }

  async function sendQueued() {
    let waiting = queued();
    while (waiting.length) {
      try {
        await HW.api('/me/stops', { method: 'POST', json: waiting[0] });
      } catch (failure) {
        if (!(failure instanceof HW.ApiError)) break; // still offline
        showMessage(failure.message); // refused: dropped, with the reason shown
      }
      waiting = waiting.slice(1);
      localStorage.setItem(QUEUE_KEY, JSON.stringify(waiting));
    }
    showQueue();
  }
  window.addEventListener('online', async () => { await flush(); await load(); });

  async function report(stop, status, reason) {
    const buttons = document.querySelectorAll('#next button, #stops button');
    buttons.forEach((b) => { b.disabled = true; });
    const body = { date, point_id: stop.id, visit: stop.visit || 0, status, reason };
    try {
      await HW.api('/me/stops', { method: 'POST', json: body });
      await load();
    } catch (failure) {
      if (failure instanceof HW.ApiError) {
        showMessage(failure.message);
      } else { // no network: queue it, and show it done (or skipped) here now
        localStorage.setItem(QUEUE_KEY, JSON.stringify([...queued(), { ...body, at: new Date().toISOString() }]));
        Object.assign(stop, { status, reason });
        showQueue();
        render();
      }
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function currentNext() {
    const stops = flatStops();
    const next = nextIndex(stops);
    return next < 0 ? null : stops[next].stop;
  }

  async function download(kind) {
    const response = await fetch(`/me/assignment.${kind}?date=${date}&lang=${HW.lang() === 'en' ? 'en' : 'zh'}`, {
      headers: { Authorization: `Bearer ${HW.token()}` },
    });
    const blob = await response.blob();
    const link = el('a', { href: URL.createObjectURL(blob), download: `huanwei-${date}.${kind}` });
    document.body.append(link);
    link.click();
    link.remove();
  }

  document.getElementById('done').addEventListener('click', () => {
    const stop = currentNext();
    if (stop) report(stop, 'done', '');
  });
  document.getElementById('skip').addEventListener('click', () => {
    document.getElementById('skip-form').hidden = false;
  });
  document.getElementById('skip-cancel').addEventListener('click', () => {
    document.getElementById('skip-form').hidden = true;
  });
  document.getElementById('skip-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const stop = currentNext();
    const code = document.getElementById('skip-reason').value;
    const note = document.getElementById('skip-note').value.trim();
    const reason = [t(`reason.${code}`), note].filter(Boolean).join(': ');
    if (stop) report(stop, 'skipped', reason);
  });
  document.getElementById('centre-next').addEventListener('click', centreOnNext);
  document.getElementById('gpx').addEventListener('click', () => download('gpx'));
  document.getElementById('ics').addEventListener('click', () => download('ics'));
  dateInput.addEventListener('change', () => {
    date = dateInput.value || HW.today();
    HW.setParams({ date });
    fitted = false;
    load();
  });
  HW.onLang(render);
  await load();
})();
