/* The planner's page: two plan versions side by side (before / after) — key figures with their
 * differences, charts, and both route maps on the same road base; plus the scenario service's
 * reports when the server has one. */
'use strict';

(async () => {
  const me = await HW.requireSignIn(['admin', 'dispatcher', 'planner']);
  if (!me) return;
  const { t, el } = HW;
  const COLOURS = { a: '#8c8c8c', b: '#1f77b4' };

  const state = { districtId: null, versions: [], a: null, b: null, colours: new Map() };
  const districtSelect = document.getElementById('district');
  const pick = { a: document.getElementById('plan-a'), b: document.getElementById('plan-b') };
  const maps = { a: HW.makeMap('map-a'), b: HW.makeMap('map-b') };
  const layers = { a: null, b: null, roadsA: null, roadsB: null };

  // Moving one map moves the other: the same place before and after.
  let syncing = false;
  for (const [from, to] of [['a', 'b'], ['b', 'a']]) {
    maps[from].on('moveend', () => {
      if (syncing) return;
      syncing = true;
      maps[to].setView(maps[from].getCenter(), maps[from].getZoom(), { animate: false });
      syncing = false;
    });
  }

  function message(text) {
    const box = document.getElementById('compare-message');
    box.textContent = text;
    box.hidden = !text;
  }

  async function chooseDistrict(id) {
    state.districtId = id;
    for (const key of ['roadsA', 'roadsB']) if (layers[key]) layers[key].remove();
    if (id === null) {
      message(t('dispatcher.nodistrict'));
      return;
    }
    const vehicles = await HW.api(`/districts/${id}/vehicles?limit=1000`);
    state.colours = HW.colours(vehicles.items.map((v) => v.id));
    layers.roadsA = await HW.addRoads(maps.a, id);
    layers.roadsB = await HW.addRoads(maps.b, id);
    state.versions = await HWPlans.versions(id, null);
    for (const key of ['a', 'b']) {
      HW.clear(pick[key]);
      for (const v of state.versions) pick[key].append(el('option', { value: v.id }, HWPlans.versionLabel(v, true)));
    }
    if (state.versions.length < 2) message(t('compare.needtwo'));
    const byId = (value) => state.versions.find((v) => String(v.id) === String(value));
    const b = byId(HW.param('b')) || state.versions[0];
    const a = byId(HW.param('a')) || state.versions.find((v) => b && v.id !== b.id) || b;
    if (a) pick.a.value = String(a.id);
    if (b) pick.b.value = String(b.id);
    await compare();
    await HWCalendar.render(document.getElementById('calendar'), id, openDay);
    await loadScenarios();
  }

  /** A calendar day's plan in the comparison's "after" (the versions read again: the calendar
   * may have just made it). */
  async function openDay(planId) {
    state.versions = await HWPlans.versions(state.districtId, null);
    HW.clear(pick.b);
    for (const v of state.versions) pick.b.append(el('option', { value: v.id }, HWPlans.versionLabel(v, true)));
    pick.b.value = String(planId);
    await compare();
    document.getElementById('map-b').scrollIntoView({ block: 'center' });
  }

  async function loadVersion(id) {
    if (!id) return null;
    const [version, kpis, geojson] = await Promise.all([
      HW.api(`/plans/${id}`), HW.api(`/plans/${id}/kpis`), HW.api(`/plans/${id}/geojson`),
    ]);
    return { version, kpis, geojson };
  }

  async function compare() {
    [state.a, state.b] = await Promise.all([loadVersion(pick.a.value), loadVersion(pick.b.value)]);
    HW.setParams({ district: state.districtId, a: pick.a.value, b: pick.b.value });
    render(true);
    document.body.dataset.state = 'ready';
  }

  function title(side) {
    const s = state[side];
    return s ? `${HWPlans.versionLabel(s.version, true)}` : '–';
  }

  /** What differs between the two plans besides their routes — how travel was timed, which
   * engine's plan was kept — said before any figure: such figures do not compare like with like. */
  function renderCaveat() {
    const box = document.getElementById('compare-caveat');
    const lines = [];
    if (state.a && state.b) {
      const travel = (s) => s.kpis.travel_method || '–';
      const engine = (s) => ((s.version.plan || {}).stats || {}).chosen || '–';
      if (travel(state.a) !== travel(state.b)) {
        lines.push(t('compare.caveat.travel', { a: HW.named('travel', travel(state.a)), b: HW.named('travel', travel(state.b)) }));
      }
      if (engine(state.a) !== engine(state.b)) {
        lines.push(t('compare.caveat.engine', { a: HW.named('engine', engine(state.a)), b: HW.named('engine', engine(state.b)) }));
      }
    }
    box.textContent = lines.join(' ');
    box.hidden = !lines.length;
  }

  function renderTable() {
    renderCaveat();
    const table = HW.clear(document.getElementById('compare-table'));
    if (!state.a || !state.b) return;
    table.append(el('tr', {},
      el('th', {}, t('compare.figure')), el('th', {}, `${t('compare.before')} (${title('a')})`),
      el('th', {}, `${t('compare.after')} (${title('b')})`), el('th', {}, t('compare.change')), el('th', {})));
    for (const [key, label, digits] of HWPlans.FIGURES) {
      const a = Number(HWPlans.figure(state.a.kpis, key)) || 0;
      const b = Number(HWPlans.figure(state.b.kpis, key)) || 0;
      const delta = b - a;
      const pct = a ? ` (${delta >= 0 ? '+' : ''}${HW.num((100 * delta) / a, 1)} %)` : '';
      const max = Math.max(Math.abs(a), Math.abs(b), 1e-9);
      const bars = el('div', { class: 'pair-bars' }, el('div', { class: 'pair-a' }), el('div', { class: 'pair-b' }));
      bars.children[0].style.width = `${(100 * Math.abs(a)) / max}%`;
      bars.children[1].style.width = `${(100 * Math.abs(b)) / max}%`;
      table.append(el('tr', { 'data-kpi': key },
        el('td', {}, t(label)), el('td', { class: 'num' }, HW.num(a, digits)), el('td', { class: 'num' }, HW.num(b, digits)),
        el('td', { class: `num ${delta > 0 ? 'up' : delta < 0 ? 'down' : ''}` }, `${delta >= 0 ? '+' : ''}${HW.num(delta, digits)}${pct}`),
        el('td', { class: 'bars-cell' }, bars)));
    }
  }

  function renderCharts() {
    const ids = ['chart-figures', 'chart-shifts', 'chart-streams', 'chart-inflow'];
    ids.forEach((id) => HW.clear(document.getElementById(id)));
    if (!state.a || !state.b) return;
    const A = state.a.kpis;
    const B = state.b.kpis;
    const series = (fa, fb, digits) => [
      { name: t('compare.before'), colour: COLOURS.a, values: fa, digits },
      { name: t('compare.after'), colour: COLOURS.b, values: fb, digits },
    ];
    const keys = ['km', 'working_h', 'trips', 'vehicles_used', 'cost_yuan', 'co2_kg'];
    const labels = keys.map((k) => t(`kpi.${k}`));
    const ratio = keys.map((k) => {
      const a = Number(HWPlans.figure(A, k)) || 0;
      return a ? (100 * (Number(HWPlans.figure(B, k)) || 0)) / a : 0;
    });
    document.getElementById('chart-figures').append(
      HW.barChart(labels, series(keys.map(() => 100), ratio), { digits: 0 }),
      el('p', { class: 'muted small' }, t('chart.figures.help')));
    const shifts = [...new Set([...Object.keys(A.vehicles_per_shift || {}), ...Object.keys(B.vehicles_per_shift || {})])].sort();
    document.getElementById('chart-shifts').append(HW.barChart(shifts,
      series(shifts.map((s) => (A.vehicles_per_shift || {})[s] || 0), shifts.map((s) => (B.vehicles_per_shift || {})[s] || 0)), { digits: 0 }));
    const streams = [...new Set([...Object.keys(A.tonnes_by_stream || {}), ...Object.keys(B.tonnes_by_stream || {})])].sort();
    document.getElementById('chart-streams').append(HW.barChart(streams.map((s) => HW.named('stream', s)),
      series(streams.map((s) => (A.tonnes_by_stream || {})[s] || 0), streams.map((s) => (B.tonnes_by_stream || {})[s] || 0))));
    renderInflow();
  }

  function renderInflow() {
    const facility = document.getElementById('inflow-facility');
    const chosen = facility.value;
    const names = [...new Set([
      ...Object.keys(state.a.kpis.facility_inflow_kg_by_hour || {}),
      ...Object.keys(state.b.kpis.facility_inflow_kg_by_hour || {}),
    ])].sort();
    HW.clear(facility).append(el('option', { value: '' }, t('chart.allfacilities')), ...names.map((n) => el('option', { value: n }, n)));
    facility.value = names.includes(chosen) ? chosen : '';
    const a = HWPlans.inflowByHour(state.a.kpis, facility.value || null);
    const b = HWPlans.inflowByHour(state.b.kpis, facility.value || null);
    const used = a.hours.filter((_, h) => a.totals[h] || b.totals[h]);
    const pickHours = (x) => used.map((hour) => x.totals[Number(hour)] / 1000);
    const box = HW.clear(document.getElementById('chart-inflow'));
    box.append(HW.barChart(used, [
      { name: t('compare.before'), colour: COLOURS.a, values: pickHours(a) },
      { name: t('compare.after'), colour: COLOURS.b, values: pickHours(b) },
    ]), el('p', { class: 'muted small' }, t('chart.inflow.help')));
  }

  function renderMaps(refit) {
    for (const side of ['a', 'b']) {
      if (layers[side]) layers[side].remove();
      layers[side] = null;
      document.getElementById(`map-${side}-title`).textContent = `${t(side === 'a' ? 'compare.before' : 'compare.after')} · ${title(side)}`;
      if (!state[side]) continue;
      layers[side] = HWPlans.routeLayer(state[side].geojson, state.colours, null).addTo(maps[side]);
    }
    if (refit) {
      syncing = true;
      HW.fit(maps.a, layers.a, layers.b, layers.roadsA);
      HW.fit(maps.b, layers.a, layers.b, layers.roadsB);
      syncing = false;
    }
  }

  function render(refit) {
    renderTable();
    renderCharts();
    renderMaps(refit);
  }

  // ---------------------------------------------------------------- the scenario service

  /** The scenario service's what-ifs and reports, when this server has it. */
  async function loadScenarios() {
    const box = HW.clear(document.getElementById('scenarios'));
    const spec = await fetch('/openapi.json').then((r) => r.json());
    if (!(spec.paths || {})['/districts/{district_id}/scenario-comparisons']) {
      box.append(el('p', { class: 'muted', id: 'scenarios-missing' }, t('scenarios.missing')));
      return;
    }
    await HWScenarios.render(box, state.districtId, me);
  }

  pick.a.addEventListener('change', compare);
  pick.b.addEventListener('change', compare);
  document.getElementById('inflow-facility').addEventListener('change', renderInflow);
  districtSelect.addEventListener('change', () => chooseDistrict(Number(districtSelect.value)));
  HW.onLang(() => {
    for (const key of ['a', 'b']) {
      for (const option of pick[key].options) {
        const v = state.versions.find((x) => String(x.id) === option.value);
        if (v) option.textContent = HWPlans.versionLabel(v, true);
      }
    }
    render(false);
  });

  const first = await HWPlans.districtSelect(districtSelect, HW.param('district'));
  await chooseDistrict(first);
  if (first === null) document.body.dataset.state = 'ready';
})();
