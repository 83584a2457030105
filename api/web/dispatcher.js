/* The dispatcher's page: the day's plan on the map by vehicle and shift, a timeline of vehicles ×
 * shifts with trips and unloading, key figures, the validator's report, generating a plan with
 * live progress (the job is polled), and publishing it. */
'use strict';

(async () => {
  const me = await HW.requireSignIn(['admin', 'dispatcher', 'planner']);
  if (!me) return;
  const { t, el } = HW;
  const POLL_MS = 500;
  const FINISHED = ['succeeded', 'failed', 'cancelled'];
  const canPublish = me.role === 'admin' || me.role === 'dispatcher';

  const state = {
    districtId: null,
    date: HW.param('date') || HW.today(),
    versions: [],
    doc: null,
    geojson: null,
    kpis: null,
    validation: null,
    vehicles: [],
    shifts: [],
    colours: new Map(),
    hiddenVehicles: new Set(),
    hiddenShifts: new Set(),
    focus: null,
    job: null,
  };
  const select = {
    district: document.getElementById('district'),
    version: document.getElementById('version'),
  };
  const dateInput = document.getElementById('date');
  dateInput.value = state.date;

  const map = HW.makeMap('map');
  let roads = null;
  let places = null;
  let planLayer = null;

  // ---------------------------------------------------------------- loading

  async function chooseDistrict(id) {
    state.districtId = id;
    if (roads) roads.remove();
    if (places) places.remove();
    roads = null;
    places = null;
    if (id === null) {
      showPlanMessage(t('dispatcher.nodistrict'));
      return;
    }
    const [vehicles, shifts] = await Promise.all([
      HW.api(`/districts/${id}/vehicles?limit=1000`),
      HW.api(`/districts/${id}/shifts?limit=1000`),
    ]);
    state.vehicles = vehicles.items;
    state.shifts = shifts.items
      .map((s) => ({ id: s.id, start: HW.seconds(s.start_s), end: HW.seconds(s.end_s) }))
      .sort((a, b) => a.start - b.start);
    state.colours = HW.colours(state.vehicles.map((v) => v.id));
    roads = await HW.addRoads(map, id);
    places = await HWPlans.placesLayer(id);
    places.addTo(map);
    HW.fit(map, roads);
    await loadVersions(HW.param('plan'));
    await resumeJob();
  }

  async function loadVersions(preferId) {
    state.versions = await HWPlans.versions(state.districtId, state.date);
    HW.clear(select.version);
    for (const v of state.versions) select.version.append(el('option', { value: v.id }, HWPlans.versionLabel(v, false)));
    const wanted = state.versions.find((v) => String(v.id) === String(preferId))
      || state.versions.find((v) => v.published) || state.versions[0];
    if (wanted) {
      select.version.value = String(wanted.id);
      await loadPlan(wanted.id);
    } else {
      select.version.append(el('option', { value: '', 'data-i18n': 'plan.none' }, t('plan.none')));
      await loadPlan(null);
    }
  }

  async function loadPlan(id) {
    state.focus = null;
    if (id === null) {
      Object.assign(state, { doc: null, geojson: null, kpis: null, validation: null, savings: null });
    } else {
      const [doc, geojson, kpis, validation] = await Promise.all([
        HW.api(`/plans/${id}`), HW.api(`/plans/${id}/geojson`),
        HW.api(`/plans/${id}/kpis`), HW.api(`/plans/${id}/validation`),
      ]);
      Object.assign(state, { doc, geojson, kpis, validation });
    }
    HW.setParams({ district: state.districtId, date: state.date, plan: id });
    render(true);
    document.body.dataset.state = 'ready';
  }

  // ---------------------------------------------------------------- drawing

  function shown(vehicle, shift) {
    if (state.focus) return state.focus.vehicle === vehicle && state.focus.shift === shift;
    return !state.hiddenVehicles.has(vehicle) && !state.hiddenShifts.has(shift);
  }

  function renderMap(refit) {
    if (planLayer) planLayer.remove();
    planLayer = null;
    if (!state.geojson) return;
    planLayer = HWPlans.routeLayer(state.geojson, state.colours, shown).addTo(map);
    if (refit) HW.fit(map, planLayer, roads);
  }

  function toggle(set, id) {
    if (set.has(id)) set.delete(id); else set.add(id);
    renderMap(false);
  }

  function renderLegend() {
    const legend = HW.clear(document.getElementById('legend'));
    if (!state.geojson) return;
    const { vehicles, shifts } = HWPlans.routeIds(state.geojson);
    if (state.focus) {
      legend.append(el('span', { class: 'tag' }, `${state.focus.vehicle} · ${state.focus.shift}`),
        el('button', { type: 'button', class: 'link-button', id: 'show-all', onclick: () => { state.focus = null; renderMap(true); renderLegend(); } }, t('legend.showall')));
      return;
    }
    const shiftBox = el('div', { class: 'legend-group' }, el('strong', {}, t('legend.shifts')));
    shifts.forEach((s, i) => shiftBox.append(el('label', { class: 'legend-item' },
      el('input', { type: 'checkbox', checked: !state.hiddenShifts.has(s), onchange: () => toggle(state.hiddenShifts, s) }),
      el('span', { class: `dash dash-${i}` }), s)));
    const vehicleBox = el('div', { class: 'legend-group' }, el('strong', {}, t('legend.vehicles')));
    for (const v of vehicles) {
      const swatch = el('span', { class: 'swatch' });
      swatch.style.background = state.colours.get(v) || '#333';
      vehicleBox.append(el('label', { class: 'legend-item' },
        el('input', { type: 'checkbox', checked: !state.hiddenVehicles.has(v), onchange: () => toggle(state.hiddenVehicles, v) }),
        swatch, v));
    }
    // Every symbol on the map, named: stops, unloadings and the district's places.
    const symbolBox = el('div', { class: 'legend-group', id: 'symbol-legend' }, el('strong', {}, t('legend.symbols')));
    symbolBox.append(el('span', { class: 'legend-item' }, el('span', { class: 'symbol symbol-visit' }), t('legend.visit')),
      el('span', { class: 'legend-item' }, el('span', { class: 'symbol symbol-unload' }), t('legend.unload')));
    for (const kind of [...(places ? places.kinds : [])].sort()) {
      symbolBox.append(el('span', { class: 'legend-item', 'data-kind': kind }, el('span', { class: `symbol hw-place hw-place-${kind}` }), HW.named('place', kind)));
    }
    legend.append(shiftBox, vehicleBox, symbolBox);
  }

  // ---------------------------------------------------------------- search

  /** Find a vehicle (its routes alone on the map), a point of the plan or a place (the map
   * goes to it and names it). */
  function search(text) {
    const query = text.trim().toLowerCase();
    const status = document.getElementById('search-status');
    status.textContent = '';
    if (!query || !state.geojson) return;
    const { vehicles } = HWPlans.routeIds(state.geojson);
    const vehicle = vehicles.find((v) => v.toLowerCase() === query)
      || vehicles.find((v) => v.toLowerCase().includes(query));
    if (vehicle) {
      state.hiddenVehicles = new Set(vehicles.filter((v) => v !== vehicle));
      state.focus = null;
      renderMap(false);
      renderLegend();
      if (planLayer) HW.fit(map, planLayer, roads);
      status.textContent = t('search.vehicle', { vehicle });
      return;
    }
    const stop = state.geojson.features.find((f) => f.geometry.type === 'Point' && String(f.properties.id).toLowerCase() === query);
    const place = places ? [...places.byId.entries()].find(([id]) => id.toLowerCase() === query) : null;
    const at = stop ? [stop.geometry.coordinates[1], stop.geometry.coordinates[0]] : (place ? place[1].getLatLng() : null);
    if (!at) {
      status.textContent = t('search.none', { text: text.trim() });
      return;
    }
    map.setView(at, Math.max(map.getZoom(), 17));
    const name = stop ? `${stop.properties.id} · ${stop.properties.vehicle} · ${HW.hhmm(stop.properties.eta)}` : place[0];
    L.popup({ className: 'hw-found' }).setLatLng(at).setContent(HW.tip(name)).openOn(map);
    status.textContent = t('search.found', { name });
  }

  document.getElementById('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search(document.getElementById('search').value);
  });

  function renderStatus() {
    const status = document.getElementById('plan-status');
    const publish = document.getElementById('publish');
    HW.clear(status);
    publish.hidden = true;
    document.getElementById('print-route-sheets').hidden = !state.doc;
    if (!state.doc) {
      status.textContent = t('plan.none');
      return;
    }
    const d = state.doc;
    status.append(
      el('span', { class: `badge ${d.published ? 'ok' : 'draft'}`, id: 'published-badge' }, d.published ? t('plan.published') : t('plan.draft')),
      ' ',
      el('span', { class: `badge ${d.valid ? 'ok' : 'bad'}` }, d.valid ? t('plan.valid') : t('plan.invalid', { n: d.violations })),
      ' ',
      `v${d.version} · ${d.date} · ${t('plan.cost')} ¥${HW.num(d.cost_fen / 100, 0)}`,
    );
    publish.hidden = !canPublish || d.published;
  }

  function renderKpis() {
    const box = HW.clear(document.getElementById('kpis'));
    if (!state.kpis) return;
    for (const [key, label, digits] of HWPlans.FIGURES) {
      box.append(el('div', { class: 'kpi', 'data-kpi': key },
        el('div', { class: 'kpi-value' }, HW.num(HWPlans.figure(state.kpis, key), digits)),
        el('div', { class: 'kpi-label' }, t(label))));
    }
    const perShift = Object.entries(state.kpis.vehicles_per_shift || {}).map(([s, n]) => `${s} ${n}`).join(' · ');
    const streams = Object.entries(state.kpis.tonnes_by_stream || {})
      .map(([s, tonnes]) => `${HW.named('stream', s)} ${HW.num(tonnes, 1)} t`).join(' · ');
    box.append(
      el('p', { class: 'small kpi-wide' }, `${t('kpi.vehicles_per_shift')}: ${perShift}`),
      el('p', { class: 'small kpi-wide' }, streams),
      el('p', { class: 'muted small kpi-wide' }, `${t('kpi.travel')}: ${state.kpis.travel_method ? HW.named('travel', state.kpis.travel_method) : '–'}`),
    );
  }

  function renderValidation() {
    const box = HW.clear(document.getElementById('validation'));
    if (!state.validation) return;
    const report = state.validation;
    box.append(el('p', { class: `badge ${report.ok ? 'ok' : 'bad'}`, id: 'validation-verdict' },
      report.ok ? t('validation.ok') : t('validation.broken', { n: report.violations.length })));
    const rules = Object.entries(report.by_rule || {});
    if (rules.length) {
      box.append(el('table', { class: 'table' },
        el('tr', {}, el('th', {}, t('validation.rule')), el('th', {}, t('validation.count'))),
        rules.map(([rule, n]) => el('tr', {}, el('td', { title: HW.named('rule', rule) }, `${rule} ${HW.named('rule', rule)}`), el('td', {}, n)))));
      box.append(el('ul', { class: 'violations' }, report.violations.slice(0, 200).map((v) =>
        el('li', {}, el('strong', {}, v.rule), ` ${v.record}: ${v.message}`))));
    }
    const unserved = state.doc ? state.doc.plan.unserved || [] : [];
    box.append(el('p', { class: 'small' }, t('validation.unserved', { n: unserved.length })));
    if (unserved.length) {
      box.append(el('ul', { class: 'violations' }, unserved.slice(0, 200).map((u) =>
        el('li', {}, el('strong', {}, u.rule), ` ${u.point} #${u.visit}: ${u.reason}`))));
    }
  }

  function place(node, start, end, t0, span) {
    node.style.left = `${((start - t0) / span) * 100}%`;
    node.style.width = `${Math.max(0.15, ((end - start) / span) * 100)}%`;
    return node;
  }

  function renderTimeline() {
    const box = HW.clear(document.getElementById('timeline'));
    if (!state.doc) {
      box.append(el('p', { class: 'muted' }, t('plan.none')));
      return;
    }
    const plan = state.doc.plan;
    const times = [
      ...state.shifts.flatMap((s) => [s.start, s.end]),
      ...plan.routes.flatMap((r) => [r.start_s, r.end_s]),
      ...(plan.hauls || []).flatMap((h) => [h.depart_s, h.arrival_s]),
    ];
    const t0 = Math.floor((Math.min(...times) - 1800) / 3600) * 3600;
    const t1 = Math.ceil((Math.max(...times) + 1800) / 3600) * 3600;
    const span = t1 - t0;

    const axis = el('div', { class: 'tl-track' });
    for (let h = t0; h <= t1; h += 3600) {
      const tick = el('span', { class: 'tl-tick' }, HW.clock(h).slice(0, 2));
      tick.style.left = `${((h - t0) / span) * 100}%`;
      axis.append(tick);
    }
    const bands = () => state.shifts.map((s, i) => place(el('div', { class: `tl-band tl-band-${i % 2}` }), s.start, s.end, t0, span));
    for (const s of state.shifts) axis.append(place(el('div', { class: 'tl-shift-label' }, s.id), s.start, s.end, t0, span));
    box.append(el('div', { class: 'tl-row tl-axis' }, el('div', { class: 'tl-label' }), axis));

    const ids = [...new Set([...state.vehicles.map((v) => v.id), ...plan.routes.map((r) => r.vehicle)])].sort();
    const types = new Map(state.vehicles.map((v) => [v.id, v.type_id]));
    for (const vehicle of ids) {
      const track = el('div', { class: 'tl-track' }, bands());
      const colour = state.colours.get(vehicle) || '#333';
      for (const route of plan.routes.filter((r) => r.vehicle === vehicle)) {
        // A click anywhere on the route (its trips and unloading too) shows only it on the map.
        const onclick = () => { state.focus = { vehicle, shift: route.shift }; renderMap(true); renderLegend(); };
        const bar = place(el('div', {
          class: 'tl-route',
          'data-vehicle': vehicle,
          'data-shift': route.shift,
          title: `${vehicle} · ${route.shift} · ${route.crew} · ${HW.clock(route.start_s)}–${HW.clock(route.end_s)}`,
          onclick,
        }), route.start_s, route.end_s, t0, span);
        bar.style.borderColor = colour;
        track.append(bar);
        route.trips.forEach((trip, i) => {
          const first = trip.visits.length ? trip.visits[0].arrival_s : route.start_s;
          const last = trip.unload ? trip.unload.arrival_s : (trip.visits.length ? trip.visits[trip.visits.length - 1].departure_s : first);
          const kg = trip.visits.reduce((sum, v) => Math.max(sum, v.load_kg), 0);
          const tripBar = place(el('div', {
            class: 'tl-trip',
            onclick,
            title: `${t('timeline.trip')} ${i + 1} · ${HW.named('stream', trip.stream)} · ${trip.visits.length} ${t('timeline.visits')} · ${HW.num(kg, 0)} kg · ${HW.clock(first)}–${HW.clock(last)}`,
          }), first, last, t0, span);
          tripBar.style.background = colour;
          track.append(tripBar);
          if (trip.unload) {
            const u = trip.unload;
            track.append(place(el('div', {
              class: 'tl-unload',
              onclick,
              title: `${t('driver.unloadat', { facility: u.facility })} · ${HW.clock(u.arrival_s)}–${HW.clock(u.departure_s)} · ${HW.num(u.kg, 0)} kg`,
            }), u.arrival_s, u.departure_s, t0, span));
          }
        });
        for (const b of route.breaks || []) {
          track.append(place(el('div', { class: 'tl-break', onclick, title: `${t('timeline.break')} ${HW.clock(b.start_s)}–${HW.clock(b.end_s)}` }), b.start_s, b.end_s, t0, span));
        }
      }
      for (const haul of (plan.hauls || []).filter((h) => h.vehicle === vehicle)) {
        track.append(place(el('div', {
          class: 'tl-haul',
          title: `${t('timeline.haul')} ${haul.station} → ${haul.destination} · ${haul.containers} × · ${HW.num(haul.kg / 1000, 1)} t · ${HW.clock(haul.depart_s)}–${HW.clock(haul.arrival_s)}`,
        }), haul.depart_s, haul.arrival_s, t0, span));
      }
      box.append(el('div', { class: 'tl-row' },
        el('div', { class: 'tl-label' }, el('span', {}, vehicle), el('span', { class: 'muted small' }, types.get(vehicle) || '')),
        track));
    }
    box.append(el('div', { class: 'tl-key small' },
      el('span', { class: 'tl-key-trip' }), t('timeline.key.trip'),
      el('span', { class: 'tl-key-unload' }), t('timeline.key.unload'),
      el('span', { class: 'tl-key-break' }), t('timeline.key.break'),
      el('span', { class: 'tl-key-haul' }), t('timeline.key.haul')));
  }

  function render(refit) {
    renderMap(refit);
    renderLegend();
    renderStatus();
    renderKpis();
    renderValidation();
    renderTimeline();
    renderSavings();
    HWDispatch.update();
  }

  // ---------------------------------------------------------------- savings against today

  /** Figures of the savings report: key and digits (labels are in the string table). */
  const SAVINGS = [
    ['vehicles_used', 0], ['max_vehicles_per_shift', 0], ['routes', 0], ['trips', 0],
    ['km', 1], ['working_h', 1], ['overtime_h', 1], ['co2_kg', 0], ['cost_yuan', 0],
    ['breaches', 0], ['visits_unserved', 0],
  ];

  function renderSavings() {
    document.getElementById('savings-panel').hidden = !state.doc;
    const box = HW.clear(document.getElementById('savings'));
    const report = state.savings;
    if (!report || !state.doc || report.plan_id !== state.doc.id) return;
    const rows = SAVINGS.map(([key, digits]) => {
      const change = report.change[key];
      const cls = change.change < 0 ? 'better' : (change.change > 0 ? 'worse' : '');
      const pct = change.pct === null ? '' : ` (${change.pct > 0 ? '+' : ''}${HW.num(change.pct, 1)} %)`;
      return el('tr', { 'data-figure': key },
        el('th', {}, t(`savings.${key}`)),
        el('td', {}, HW.num(report.current[key], digits)),
        el('td', {}, HW.num(report.proposed[key], digits)),
        el('td', { class: cls }, `${HW.num(change.change, digits)}${pct}`));
    });
    const rules = (figures) => Object.entries(figures.by_rule).sort()
      .map(([rule, n]) => `${rule} × ${n}`).join(', ') || t('savings.none');
    box.append(
      el('table', { class: 'savings-table', id: 'savings-table' },
        el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, t('savings.current')),
          el('th', {}, t('savings.proposed')), el('th', {}, t('savings.change')))),
        el('tbody', {}, ...rows)),
      el('p', { class: 'small', id: 'savings-current-rules' }, `${t('savings.current.rules')}: ${rules(report.current)}`),
      el('p', { class: 'small muted' }, `${t('kpi.travel')}: ${HW.named('travel', report.current.travel)}`));
  }

  document.getElementById('savings-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = document.getElementById('savings-message');
    message.hidden = true;
    const file = document.getElementById('savings-file').files[0];
    if (!file || !state.doc) return;
    const formData = new FormData();
    formData.append('file', file);
    try {
      state.savings = await HW.api(`/plans/${state.doc.id}/savings`, { method: 'POST', formData });
    } catch (failure) {
      state.savings = null;
      message.textContent = failure.message;
      message.hidden = false;
    }
    renderSavings();
  });

  // ---------------------------------------------------------------- route sheets to print

  /** Open the plan's route sheets (路线单) in a new window, in the page's language, to print.
   * The page is fetched with the token (a link could not carry it) and written into the window;
   * its own script, which this page's content policy would refuse there, is dropped and its print
   * button wired from here. The window is opened at the click, before the fetch, so that it is
   * not taken for an unasked pop-up. */
  async function printRouteSheets() {
    if (!state.doc) return;
    showPlanMessage('');
    const win = window.open('', '_blank');
    if (!win) {
      showPlanMessage(t('plan.sheets.popup'));
      return;
    }
    try {
      const lang = HW.lang() === 'en' ? 'en' : 'zh';
      const html = await HW.api(`/plans/${state.doc.id}/route-sheets.html?lang=${lang}`);
      const page = new DOMParser().parseFromString(html, 'text/html');
      page.querySelectorAll('script').forEach((script) => script.remove());
      win.document.open();
      win.document.write(`<!doctype html>${page.documentElement.outerHTML}`);
      win.document.close();
      const button = win.document.getElementById('print-sheets');
      if (button) button.addEventListener('click', () => win.print());
    } catch (failure) {
      win.close();
      showPlanMessage(failure.message);
    }
  }

  document.getElementById('print-route-sheets').addEventListener('click', printRouteSheets);

  function showPlanMessage(text) {
    const box = document.getElementById('plan-message');
    box.textContent = text;
    box.hidden = !text;
  }

  // ---------------------------------------------------------------- plan jobs

  function renderJob(job) {
    const box = document.getElementById('job');
    box.hidden = false;
    box.dataset.status = job.status;
    box.dataset.jobId = job.id;
    const pct = Math.round((job.status === 'succeeded' ? 1 : job.progress) * 100);
    document.getElementById('job-bar').style.width = `${pct}%`;
    const parts = [`#${job.id}`, t(`job.${job.status}`), `${pct}%`];
    if (job.best_cost_fen !== null) parts.push(`${t('plan.cost')} ¥${HW.num(job.best_cost_fen / 100, 0)}`);
    if (job.error) parts.push(job.error);
    document.getElementById('job-text').textContent = parts.join(' · ');
    const running = !FINISHED.includes(job.status);
    document.getElementById('generate').disabled = running;
    document.getElementById('cancel-job').hidden = !running;
  }

  async function poll(job) {
    state.job = job;
    renderJob(job);
    let current = job;
    while (!FINISHED.includes(current.status)) {
      await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
      current = await HW.api(`/plan-jobs/${job.id}`);
      if (state.job && state.job.id === job.id) renderJob(current);
    }
    if (current.status === 'succeeded' && current.date === state.date && current.district_id === state.districtId) {
      await loadVersions(current.plan_id);
    }
  }

  async function resumeJob() {
    const jobs = await HW.api(`/districts/${state.districtId}/plan-jobs?date=${state.date}&limit=5`);
    const open = jobs.items.find((j) => !FINISHED.includes(j.status));
    if (open) poll(open);
  }

  document.getElementById('generate-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    showPlanMessage('');
    try {
      const job = await HW.api(`/districts/${state.districtId}/plan-jobs`, {
        method: 'POST',
        json: {
          date: state.date,
          time_limit_s: Number(document.getElementById('time-limit').value),
          seed: Number(document.getElementById('seed').value),
          publish: false,
        },
      });
      await poll(job);
    } catch (failure) {
      showPlanMessage(failure.message);
    }
  });

  document.getElementById('cancel-job').addEventListener('click', async () => {
    if (state.job) await HW.api(`/plan-jobs/${state.job.id}/cancel`, { method: 'POST' });
  });

  // A publication that would undo the live day (crews' reports, an urgent pickup, a past day)
  // is refused with 409 naming what would be lost: ask before forcing it.
  document.getElementById('publish').addEventListener('click', async () => {
    const id = state.doc.id;
    try {
      try {
        await HW.api(`/plans/${id}/publish`, { method: 'POST' });
      } catch (failure) {
        if (failure.status !== 409 || !window.confirm(`${failure.message}\n\n${t('plan.force')}`)) throw failure;
        await HW.api(`/plans/${id}/publish?force=true`, { method: 'POST' });
      }
      await loadVersions(id);
    } catch (failure) {
      showPlanMessage(failure.message);
    }
  });

  select.district.addEventListener('change', () => chooseDistrict(Number(select.district.value)));
  select.version.addEventListener('change', () => loadPlan(select.version.value ? Number(select.version.value) : null));
  dateInput.addEventListener('change', () => {
    state.date = dateInput.value || HW.today();
    loadVersions(null);
  });
  HW.onLang(() => {
    for (const option of select.version.options) {
      const v = state.versions.find((x) => String(x.id) === option.value);
      if (v) option.textContent = HWPlans.versionLabel(v, false);
    }
    render(false);
  });

  const first = await HWPlans.districtSelect(select.district, HW.param('district'));
  await chooseDistrict(first);
  if (first === null) document.body.dataset.state = 'ready';
  await HWDispatch.setup({ state, map, me, loadVersions });
})();
