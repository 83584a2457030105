/* The planner's what-ifs: ask the scenario service (/districts/{id}/scenario-comparisons) to
 * compare the district as it is with a what-if, follow the jobs (cancel an open one, retry a failed
 * or cancelled one), and show a finished comparison's own HTML report (figures, charts, route
 * maps) inside the page. */
'use strict';

const HWScenarios = (() => {
  const { t, el } = HW;
  const POLL_MS = 1000;
  const OPEN = ['queued', 'running'];
  let timer = null;

  /** The changes of the what-if the form describes (as a scenario file's [[changes]]). */
  function changes(form) {
    const kind = form.querySelector('#whatif-kind').value;
    if (kind === 'demand') return [{ type: 'demand', growth_pct: Number(form.querySelector('#whatif-growth').value) }];
    if (kind === 'fleet') {
      return [{ type: 'fleet', vehicle_type: form.querySelector('#whatif-vtype').value, add: Number(form.querySelector('#whatif-add').value) }];
    }
    if (kind === 'remove-facility') return [{ type: 'remove-facility', id: form.querySelector('#whatif-facility').value }];
    return JSON.parse(form.querySelector('#whatif-json').value);
  }

  function showFields(form) {
    const kind = form.querySelector('#whatif-kind').value;
    form.querySelectorAll('[data-kind]').forEach((e) => { e.hidden = e.dataset.kind !== kind; });
  }

  function makeForm(vehicleTypes, facilities, onSubmit) {
    const option = (value, key) => el('option', { value, 'data-i18n': key }, t(key));
    const form = el('form', { id: 'whatif-form', class: 'row-form' },
      el('label', {}, el('span', { 'data-i18n': 'scenarios.name' }, t('scenarios.name')),
        el('input', { id: 'whatif-name', value: 'what-if', required: true, maxlength: 100 })),
      el('label', {}, el('span', { 'data-i18n': 'scenarios.kind' }, t('scenarios.kind')),
        el('select', { id: 'whatif-kind', onchange: () => showFields(form) },
          option('demand', 'scenarios.kind.demand'), option('fleet', 'scenarios.kind.fleet'),
          option('remove-facility', 'scenarios.kind.remove'), option('json', 'scenarios.kind.json'))),
      el('label', { 'data-kind': 'demand' }, el('span', { 'data-i18n': 'scenarios.growth' }, t('scenarios.growth')),
        el('input', { id: 'whatif-growth', type: 'number', value: 15, min: -90, max: 900, step: 1 })),
      el('label', { 'data-kind': 'fleet' }, el('span', { 'data-i18n': 'scenarios.vtype' }, t('scenarios.vtype')),
        el('select', { id: 'whatif-vtype' }, vehicleTypes.map((v) => el('option', { value: v.id }, v.id)))),
      el('label', { 'data-kind': 'fleet' }, el('span', { 'data-i18n': 'scenarios.add' }, t('scenarios.add')),
        el('input', { id: 'whatif-add', type: 'number', value: 2, min: 1, max: 50, step: 1 })),
      el('label', { 'data-kind': 'remove-facility' }, el('span', { 'data-i18n': 'scenarios.facility' }, t('scenarios.facility')),
        el('select', { id: 'whatif-facility' }, facilities.map((f) => el('option', { value: f.properties.id }, f.properties.id)))),
      el('label', { 'data-kind': 'json', class: 'wide' }, el('span', { 'data-i18n': 'scenarios.json' }, t('scenarios.json')),
        el('textarea', { id: 'whatif-json', rows: 3, cols: 60 }, '[{"type": "demand", "streams": ["kitchen"], "factor": 2}]')),
      el('label', {}, el('span', { 'data-i18n': 'generate.timelimit' }, t('generate.timelimit')),
        el('input', { id: 'whatif-time', type: 'number', value: 30, min: 1, max: 600, step: 1 })),
      el('label', {}, el('span', { 'data-i18n': 'scenarios.iterations' }, t('scenarios.iterations')),
        el('input', { id: 'whatif-iterations', type: 'number', min: 1, max: 100000, step: 1 })),
      el('button', { type: 'submit', id: 'whatif-run', class: 'primary', 'data-i18n': 'scenarios.run' }, t('scenarios.run')));
    form.addEventListener('submit', (event) => { event.preventDefault(); onSubmit(form); });
    showFields(form);
    return form;
  }

  /** The report shown (its box and comparison), shown again when the language changes. */
  let shown = null;

  /** Show comparison `id`'s report in the page's language. */
  async function showReport(frameBox, id) {
    shown = { frameBox, id };
    const lang = HW.lang() === 'en' ? 'en' : 'zh';
    const html = await HW.api(`/scenario-comparisons/${id}/report.html?lang=${lang}`);
    HW.clear(frameBox).append(
      el('p', { class: 'small' }, t('scenarios.report', { id })),
      // The report is the scenario service's own page: shown sandboxed (no scripts run in it),
      // as tall as its content, so that it reads as part of this page, not in a scrolling box.
      el('iframe', {
        id: 'scenario-report', class: 'report-frame', sandbox: 'allow-same-origin', srcdoc: html, title: `report ${id}`,
        onload: (event) => fitFrame(event.target),
      }));
  }

  /** Make ``frame`` as tall as the document in it. */
  function fitFrame(frame) {
    const doc = frame.contentDocument;
    if (doc && doc.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 24}px`;
  }

  /** The row's action: its report once succeeded, cancel while open, retry once failed or
   * cancelled (`act(id, 'cancel' | 'retry')`). */
  function action(frameBox, row, act) {
    const button = (cls, key, onclick) => el('button', { type: 'button', class: `link-button ${cls}`, onclick }, t(key));
    if (row.status === 'succeeded') return button('show-report', 'scenarios.show', () => showReport(frameBox, row.id));
    if (OPEN.includes(row.status)) {
      return row.cancel_requested ? '' : button('cancel-comparison', 'scenarios.cancel', () => act(row.id, 'cancel'));
    }
    return row.retryable ? button('retry-comparison', 'scenarios.retry', () => act(row.id, 'retry')) : '';
  }

  function renderList(listBox, frameBox, rows, act) {
    HW.clear(listBox);
    if (!rows.length) {
      listBox.append(el('p', { class: 'muted' }, t('scenarios.none')));
      return;
    }
    listBox.append(el('table', { class: 'table' },
      el('tr', {}, el('th', {}, '#'), el('th', {}, t('scenarios.compared')), el('th', {}, t('scenarios.status')), el('th', {})),
      rows.map((row) => el('tr', { 'data-comparison': row.id, 'data-status': row.status },
        el('td', {}, row.id),
        el('td', {}, row.scenarios.join(' · ')),
        el('td', {}, `${t(`job.${row.status}`)} ${Math.round(row.progress * 100)}%`, row.error ? el('div', { class: 'error small' }, row.error) : ''),
        el('td', {}, action(frameBox, row, act))))));
  }

  /** The what-if section of the planner's page for district `districtId`. */
  async function render(box, districtId, me) {
    if (timer) clearTimeout(timer);
    if (!['admin', 'planner'].includes(me.role)) {
      box.append(el('p', { class: 'muted' }, t('scenarios.plannersonly')));
      return;
    }
    const [types, facilities] = await Promise.all([
      HW.api(`/districts/${districtId}/vehicle-types?limit=1000`),
      HW.api(`/districts/${districtId}/facilities?limit=1000`),
    ]);
    const message = el('p', { class: 'notice', hidden: true });
    const listBox = el('div', { id: 'scenario-list' });
    const frameBox = el('div', { id: 'scenario-frame' });

    async function refresh() {
      const rows = await HW.api(`/districts/${districtId}/scenario-comparisons`);
      renderList(listBox, frameBox, rows, act);
      if (rows.some((r) => OPEN.includes(r.status))) timer = setTimeout(refresh, POLL_MS);
    }

    /** Cancel or retry comparison `id`, then show the list as it is. */
    async function act(id, verb) {
      message.hidden = true;
      try {
        await HW.api(`/scenario-comparisons/${id}/${verb}`, { method: 'POST' });
      } catch (failure) {
        message.textContent = failure.message;
        message.hidden = false;
      }
      if (timer) clearTimeout(timer);
      await refresh();
    }

    async function submit(form) {
      message.hidden = true;
      try {
        const iterations = form.querySelector('#whatif-iterations').value;
        const name = form.querySelector('#whatif-name').value.trim();
        await HW.api(`/districts/${districtId}/scenario-comparisons`, {
          method: 'POST',
          json: {
            scenarios: [{ name, changes: changes(form) }],
            time_limit_s: Number(form.querySelector('#whatif-time').value),
            iterations: iterations ? Number(iterations) : null,
          },
        });
        if (timer) clearTimeout(timer);
        await refresh();
      } catch (failure) {
        message.textContent = failure.message;
        message.hidden = false;
      }
    }

    box.append(el('p', { class: 'muted small', 'data-i18n': 'scenarios.help' }, t('scenarios.help')),
      makeForm(types.items, facilities.features, submit), message, listBox, frameBox);
    await refresh();
  }

  HW.onLang(() => {
    if (shown && shown.frameBox.isConnected) showReport(shown.frameBox, shown.id);
  });

  return { render };
})();
