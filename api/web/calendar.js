/* The planner's collection calendar: request a calendar job (the calendar file as TOML), follow
 * it, and show the planned week — per day its points, vehicles, hours, km and cost (a table and
 * bars) — with each day's routes opened in the comparison ("after") and the residents' calendar
 * printable in the page's language. */
'use strict';

const HWCalendar = (() => {
  const { t, el } = HW;
  const POLL_MS = 1000;
  /** The district week (scenarios/calendars/district-week.toml), a starting point to edit. */
  const WEEK = [
    'horizon_days = 7',
    'first_weekday = "mon"',
    '# a truck\'s cost of working a day: every day routed with the trucks its work needs',
    'vehicle_day_cost_yuan = 100',
    '',
    '[streams.recyclable]',
    'visits = 2',
    'cycle_days = 7',
    '',
    '[streams.bulky]',
    'visits = 1',
    'cycle_days = 7',
    '',
    '[streams.night_soil]',
    'visits = 1',
    'cycle_days = 14',
    'max_kg_per_visit = 6000',
  ].join('\n');
  const ROWS = [
    ['points', 'calendar.points', 0], ['vehicles', 'calendar.vehicles', 0],
    ['working_h', 'calendar.hours', 1], ['km', 'calendar.km', 1],
    ['cost_yuan', 'calendar.cost', 0], ['unserved', 'calendar.unserved', 0],
  ];

  function tomorrow() {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  /** The panel for ``districtId``; ``openDay(planId)`` shows a day's plan in the comparison. */
  async function render(box, districtId, openDay) {
    HW.clear(box);
    const start = el('input', { type: 'date', id: 'calendar-start', value: tomorrow() });
    const limit = el('input', { type: 'number', id: 'calendar-time', value: '60', min: '1', max: '3600' });
    const rules = el('textarea', { id: 'calendar-rules', rows: '10', spellcheck: 'false' });
    rules.value = WEEK;
    const run = el('button', { type: 'button', id: 'calendar-run', class: 'primary' }, t('calendar.run'));
    const status = el('p', { id: 'calendar-status', class: 'small' });
    const result = el('div', { id: 'calendar-result' });
    box.append(
      el('p', { class: 'muted small' }, t('calendar.help')),
      el('div', { class: 'row-form' },
        el('label', {}, el('span', {}, t('calendar.start')), ' ', start),
        el('label', {}, el('span', {}, t('calendar.time')), ' ', limit)),
      el('label', { class: 'block' }, el('span', {}, t('calendar.rules')), rules),
      run, status, result);

    async function follow(job) {
      while (job.status === 'queued' || job.status === 'running') {
        status.textContent = t('calendar.running', { pct: Math.round(100 * job.progress) });
        await new Promise((r) => setTimeout(r, POLL_MS));
        job = await HW.api(`/plan-jobs/${job.id}`);
      }
      status.textContent = job.status === 'succeeded' ? '' : t('calendar.failed', { error: job.error || job.status });
      if (job.status === 'succeeded') await show(job.id);
    }

    run.addEventListener('click', async () => {
      run.disabled = true;
      try {
        const job = await HW.api(`/districts/${districtId}/calendar-jobs`, {
          method: 'POST',
          json: { start_date: start.value, time_limit_s: Number(limit.value), calendar: rules.value },
        });
        await follow(job);
      } catch (failure) {
        status.textContent = failure.message;
      } finally {
        run.disabled = false;
      }
    });

    async function show(jobId) {
      const cal = await HW.api(`/plan-jobs/${jobId}/calendar`);
      HW.clear(result).dataset.job = String(jobId);
      const days = cal.days;
      const label = (d) => `${t(`weekday.${d.weekday}`)} ${d.date.slice(5)}`;
      const table = el('table', { class: 'table compare', id: 'calendar-grid' });
      table.append(el('tr', {}, el('th', {}, t('calendar.day')),
        ...days.map((d) => el('th', {}, el('button', { type: 'button', class: 'link', 'data-plan': String(d.plan_id) }, label(d))))));
      for (const [key, name, digits] of ROWS) {
        table.append(el('tr', { 'data-row': key }, el('th', {}, t(name)),
          ...days.map((d) => el('td', { class: 'num' }, HW.num(d[key], digits)))));
      }
      table.querySelectorAll('button[data-plan]').forEach((b) => b.addEventListener('click', () => openDay(Number(b.dataset.plan))));
      const vehicles = days.map((d) => d.vehicles);
      const ratio = Math.max(...vehicles) / Math.max(Math.min(...vehicles), 1);
      const residents = el('button', { type: 'button', id: 'calendar-residents' }, t('calendar.residents'));
      residents.addEventListener('click', () => printResidents(jobId, status));
      result.append(
        el('p', { class: 'small' }, `${cal.valid ? t('plan.valid') : t('plan.invalid', { n: Object.values(cal.violations).reduce((a, b) => a + b, 0) })} · `
          + t('calendar.balance', { ratio: HW.num(ratio, 2) })),
        table,
        HW.barChart(days.map(label), [
          { name: t('calendar.vehicles'), colour: '#0072b2', values: vehicles, digits: 0 },
          { name: t('calendar.hours'), colour: '#e69f00', values: days.map((d) => d.working_h), digits: 1 },
        ], { digits: 0, width: 640 }),
        residents);
    }

    // The latest calendar of the district, if one was planned.
    const jobs = await HW.api(`/districts/${districtId}/plan-jobs?limit=100`);
    const latest = jobs.items.find((j) => j.kind === 'calendar' && j.status === 'succeeded');
    if (latest) await show(latest.id);
    else result.append(el('p', { class: 'muted', id: 'calendar-none' }, t('calendar.none')));
  }

  async function printResidents(jobId, status) {
    const win = window.open('', '_blank');
    if (!win) {
      status.textContent = t('plan.sheets.popup');
      return;
    }
    try {
      const lang = HW.lang() === 'en' ? 'en' : 'zh';
      const html = await HW.api(`/plan-jobs/${jobId}/residents.html?lang=${lang}`);
      const page = new DOMParser().parseFromString(html, 'text/html');
      page.querySelectorAll('button').forEach((b) => b.removeAttribute('onclick'));
      win.document.open();
      win.document.write(`<!doctype html>${page.documentElement.outerHTML}`);
      win.document.close();
      const button = win.document.querySelector('button');
      if (button) button.addEventListener('click', () => win.print());
    } catch (failure) {
      win.close();
      status.textContent = failure.message;
    }
  }

  return { render, WEEK };
})();
