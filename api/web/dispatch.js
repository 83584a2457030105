/* The dispatcher's live-day actions on the plan shown, where the server has the dispatch
 * endpoints: an urgent pickup (find the slots, cheapest first, and put it in one) and a vehicle
 * breakdown. Each makes the day's next plan version, published at once; the page then shows it
 * with the change's summary. A click on the map places a pickup that is not at a known point. */
'use strict';

const HWDispatch = (() => {
  const { t, el } = HW;
  const PATHS = ['/plans/{plan_id}/urgent-slots', '/plans/{plan_id}/urgent', '/plans/{plan_id}/breakdown'];
  let ctx = null;
  let pickMarker = null;

  function nowClock() {
    const d = new Date();
    return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  }

  /** What the dispatcher asks for, as the urgent-pickup body. */
  function urgentBody(form) {
    const value = (id) => form.querySelector(id).value.trim();
    const body = {
      id: value('#urgent-id'),
      stream: value('#urgent-stream'),
      kg: Number(value('#urgent-kg')),
      deadline: value('#urgent-deadline'),
    };
    if (value('#urgent-point')) body.at_point = value('#urgent-point');
    else if (value('#urgent-lon') && value('#urgent-lat')) {
      body.lon = Number(value('#urgent-lon'));
      body.lat = Number(value('#urgent-lat'));
    }
    if (value('#urgent-now')) body.now = value('#urgent-now');
    return body;
  }

  function summaryText(summary) {
    const d = summary.disruption || {};
    const parts = [
      t(`dispatch.op.${summary.operation}`),
      summary.valid ? t('plan.valid') : t('plan.invalid', { n: '?' }),
      t('dispatch.cost', { before: HW.num(summary.cost_before_yuan, 0), after: HW.num(summary.cost_after_yuan, 0) }),
      t('dispatch.disruption', { moved: d.moved ?? 0, retimed: d.retimed ?? 0, added: d.added ?? 0, dropped: d.dropped ?? 0 }),
    ];
    if ((summary.crews_affected || []).length) parts.push(t('dispatch.crews', { crews: summary.crews_affected.join(', ') }));
    return parts.join(' · ');
  }

  function show(text, isError) {
    const box = document.getElementById('dispatch-result');
    box.textContent = text;
    box.className = isError ? 'notice error' : 'notice';
    box.hidden = !text;
  }

  async function done(outcome) {
    show(summaryText(outcome.change.summary), false);
    document.getElementById('dispatch-result').dataset.planId = outcome.plan.id;
    document.getElementById('urgent-slots').replaceChildren();
    await ctx.loadVersions(outcome.plan.id);
  }

  async function findSlots(form) {
    show('', false);
    const list = HW.clear(document.getElementById('urgent-slots'));
    const body = urgentBody(form);
    try {
      const found = await HW.api(`/plans/${ctx.state.doc.id}/urgent-slots`, { method: 'POST', json: body });
      if (!found.slots.length) {
        show(`${t('dispatch.noslot')} ${found.reasons.join('; ')}`, true);
        return;
      }
      list.append(el('table', { class: 'table' },
        el('tr', {}, el('th', {}, '#'), el('th', {}, t('legend.vehicles')), el('th', {}, t('dispatch.eta')),
          el('th', {}, t('dispatch.added')), el('th', {})),
        found.slots.map((slot) => el('tr', { 'data-rank': slot.rank },
          el('td', {}, slot.rank),
          el('td', {}, `${slot.vehicle} ${slot.shift} · ${slot.crew} · ${t('timeline.trip')} ${slot.trip}${slot.new_trip ? ` (${t('dispatch.newtrip')})` : ''}`),
          el('td', {}, HW.hhmm(slot.eta)),
          el('td', { class: 'num' }, `¥${HW.num(slot.added_cost_yuan, 1)}`),
          el('td', {}, el('button', {
            type: 'button',
            class: 'small-button apply-slot',
            onclick: async () => {
              try {
                await done(await HW.api(`/plans/${ctx.state.doc.id}/urgent`, { method: 'POST', json: { ...body, rank: slot.rank } }));
              } catch (failure) { show(failure.message, true); }
            },
          }, t('dispatch.apply')))))));
    } catch (failure) {
      show(failure.message, true);
    }
  }

  async function breakdown(form) {
    show(t('dispatch.working'), false);
    try {
      const body = {
        vehicle: form.querySelector('#breakdown-vehicle').value,
        at: form.querySelector('#breakdown-at').value,
        time_limit_s: Number(form.querySelector('#breakdown-time').value),
      };
      const until = form.querySelector('#breakdown-until').value;
      if (until) body.until = until;
      await done(await HW.api(`/plans/${ctx.state.doc.id}/breakdown`, { method: 'POST', json: body }));
    } catch (failure) {
      show(failure.message, true);
    }
  }

  function label(key, input) {
    return el('label', {}, el('span', { 'data-i18n': key }, t(key)), input);
  }

  function build(panel) {
    const streams = ['residual', 'kitchen', 'recyclable', 'bulky', 'night_soil'];
    const urgent = el('form', { id: 'urgent-form', class: 'row-form' },
      label('dispatch.id', el('input', { id: 'urgent-id', required: true, maxlength: 100, value: `urgent-${Date.now() % 100000}` })),
      label('dispatch.stream', el('select', { id: 'urgent-stream' },
        streams.map((s) => el('option', { value: s, 'data-i18n': `stream.${s}` }, HW.named('stream', s))))),
      label('dispatch.kg', el('input', { id: 'urgent-kg', type: 'number', min: 1, value: 200, required: true })),
      label('dispatch.deadline', el('input', { id: 'urgent-deadline', type: 'time', value: '20:00', required: true })),
      label('dispatch.point', el('input', { id: 'urgent-point', list: 'urgent-points', maxlength: 100 })),
      el('datalist', { id: 'urgent-points' }),
      label('dispatch.lon', el('input', { id: 'urgent-lon', type: 'number', step: 'any' })),
      label('dispatch.lat', el('input', { id: 'urgent-lat', type: 'number', step: 'any' })),
      label('dispatch.now', el('input', { id: 'urgent-now', type: 'time' })),
      el('button', { type: 'submit', id: 'urgent-find', class: 'primary', 'data-i18n': 'dispatch.find' }, t('dispatch.find')));
    urgent.addEventListener('submit', (event) => { event.preventDefault(); findSlots(urgent); });
    const broken = el('form', { id: 'breakdown-form', class: 'row-form' },
      label('dispatch.vehicle', el('select', { id: 'breakdown-vehicle' })),
      label('dispatch.at', el('input', { id: 'breakdown-at', type: 'time', value: '10:00', required: true })),
      label('dispatch.until', el('input', { id: 'breakdown-until', type: 'time' })),
      label('generate.timelimit', el('input', { id: 'breakdown-time', type: 'number', min: 1, max: 120, value: 20 })),
      el('button', { type: 'submit', id: 'breakdown-run', class: 'primary', 'data-i18n': 'dispatch.breakdown.run' }, t('dispatch.breakdown.run')));
    broken.addEventListener('submit', (event) => { event.preventDefault(); breakdown(broken); });
    panel.append(
      el('h3', { 'data-i18n': 'dispatch.urgent' }, t('dispatch.urgent')),
      el('p', { class: 'muted small', 'data-i18n': 'dispatch.urgent.help' }, t('dispatch.urgent.help')),
      urgent, el('div', { id: 'urgent-slots' }),
      el('h3', { 'data-i18n': 'dispatch.breakdown' }, t('dispatch.breakdown')),
      broken,
      el('p', { id: 'dispatch-result', class: 'notice', hidden: true }));
    ctx.map.on('click', (event) => {
      if (!ctx.state.doc) return;
      document.getElementById('urgent-lon').value = event.latlng.lng.toFixed(6);
      document.getElementById('urgent-lat').value = event.latlng.lat.toFixed(6);
      document.getElementById('urgent-point').value = '';
      if (pickMarker) pickMarker.remove();
      pickMarker = L.circleMarker(event.latlng, { radius: 9, color: '#b3261e', weight: 3, fill: false, className: 'hw-pick' }).addTo(ctx.map);
    });
  }

  /** Fill the forms' choices from the plan shown; hide the panel without a plan. */
  function update() {
    const panel = document.getElementById('dispatch-panel');
    if (!panel.dataset.ready) return;
    const plan = ctx.state.doc && ctx.state.doc.plan;
    panel.hidden = !plan;
    if (!plan) return;
    const vehicles = [...new Set(plan.routes.map((r) => r.vehicle))].sort();
    const select = HW.clear(document.getElementById('breakdown-vehicle'));
    vehicles.forEach((v) => select.append(el('option', { value: v }, v)));
    const points = new Set(plan.routes.flatMap((r) => r.trips.flatMap((trip) => trip.visits.map((v) => v.point))));
    HW.clear(document.getElementById('urgent-points')).append(...[...points].sort().map((p) => el('option', { value: p })));
    document.getElementById('urgent-now').value = ctx.state.date === HW.today() ? nowClock() : '';
  }

  /** Offer the actions when the server has them and the user may dispatch. */
  async function setup(context) {
    ctx = context;
    const panel = document.getElementById('dispatch-panel');
    const spec = await fetch('/openapi.json').then((r) => r.json());
    const has = PATHS.every((p) => (spec.paths || {})[p]);
    if (!has || !['admin', 'dispatcher'].includes(ctx.me.role)) return;
    build(panel);
    panel.dataset.ready = 'yes';
    update();
  }

  return { setup, update };
})();
