/* What the dispatcher's and the planner's pages share: districts, plan versions, a plan's routes
 * on a map (coloured by vehicle, dashed by shift) and its key figures. */
'use strict';

const HWPlans = (() => {
  const { t, el } = HW;

  /** Fill a district <select>; resolves to the chosen district's id (or null if none). */
  async function districtSelect(select, chosen) {
    const page = await HW.api('/districts?limit=1000');
    HW.clear(select);
    for (const d of page.items) select.append(el('option', { value: d.id }, `${d.name} (#${d.id})`));
    if (!page.items.length) return null;
    const wanted = page.items.find((d) => String(d.id) === String(chosen));
    select.value = String((wanted || page.items[0]).id);
    return Number(select.value);
  }

  /** The district's plan versions (of one date, or all), newest first. */
  async function versions(districtId, date) {
    const query = date ? `&date=${date}` : '';
    const page = await HW.api(`/districts/${districtId}/plans?limit=1000${query}`);
    return page.items;
  }

  function versionLabel(v, withDate) {
    const parts = [`v${v.version}`];
    if (withDate) parts.push(v.date);
    parts.push(v.published ? t('plan.published') : t('plan.draft'));
    if (!v.valid) parts.push(t('plan.invalid', { n: v.violations }));
    return parts.join(' · ');
  }

  /** The ids of the vehicles and shifts a plan's GeoJSON uses. */
  function routeIds(geojson) {
    const vehicles = new Set();
    const shifts = new Set();
    for (const f of geojson.features) {
      vehicles.add(f.properties.vehicle);
      shifts.add(f.properties.shift);
    }
    return { vehicles: [...vehicles].sort(), shifts: [...shifts].sort() };
  }

  /**
   * The plan's trips and stops as a Leaflet layer.
   * show(vehicle, shift) decides what is drawn; colours maps vehicle ids to colours.
   */
  function routeLayer(geojson, colours, show) {
    const { shifts } = routeIds(geojson);
    const layer = L.featureGroup();
    const visible = (p) => !show || show(p.vehicle, p.shift);
    for (const f of geojson.features) {
      const p = f.properties;
      if (!visible(p)) continue;
      const colour = colours.get(p.vehicle) || '#333';
      if (f.geometry.type === 'LineString') {
        L.polyline(f.geometry.coordinates.map(([lon, lat]) => [lat, lon]), {
          color: colour,
          weight: 3,
          opacity: 0.85,
          dashArray: HW.SHIFT_DASH[shifts.indexOf(p.shift) % HW.SHIFT_DASH.length] || null,
          className: 'hw-route',
        }).bindTooltip(HW.tip(`${p.vehicle} · ${p.shift} · ${p.crew} · ${t('timeline.trip')} ${p.trip} · ${HW.named('stream', p.stream)}`), { sticky: true })
          .addTo(layer);
      }
    }
    for (const f of geojson.features) {
      const p = f.properties;
      if (f.geometry.type !== 'Point' || !visible(p)) continue;
      const [lon, lat] = f.geometry.coordinates;
      const unload = p.kind === 'unload';
      L.circleMarker([lat, lon], {
        radius: unload ? 7 : 3.5,
        color: unload ? '#111' : '#fff',
        weight: unload ? 2 : 1,
        fillColor: unload ? '#fff' : (colours.get(p.vehicle) || '#333'),
        fillOpacity: 1,
        className: unload ? 'hw-unload' : 'hw-stop',
      }).bindTooltip(HW.tip(unload
        ? `${t('driver.unloadat', { facility: p.id })} · ${HW.hhmm(p.eta)} · ${HW.num(p.kg, 0)} kg`
        : `${p.id} · ${HW.hhmm(p.eta)} · ${p.vehicle} ${p.shift}`))
        .addTo(layer);
    }
    return layer;
  }

  /** Depots and facilities of the district as a layer (facilities far off the map included). */
  async function placesLayer(districtId) {
    const [depots, facilities] = await Promise.all([
      HW.api(`/districts/${districtId}/depots?limit=1000`),
      HW.api(`/districts/${districtId}/facilities?limit=1000`),
    ]);
    const layer = L.featureGroup();
    layer.kinds = new Set(); // the symbols drawn, for the legend
    layer.byId = new Map(); // id → marker, for the search
    for (const f of [...depots.features, ...facilities.features]) {
      const [lon, lat] = f.geometry.coordinates;
      const kind = f.properties.kind || 'depot';
      layer.kinds.add(kind);
      L.marker([lat, lon], {
        icon: L.divIcon({ className: `hw-place hw-place-${kind}`, html: '', iconSize: [14, 14] }),
        keyboard: false,
      }).bindTooltip(HW.tip(`${f.properties.name || f.properties.id} (${HW.named('place', kind)})`)).addTo(layer);
      layer.byId.set(String(f.properties.id), layer.getLayers()[layer.getLayers().length - 1]);
    }
    return layer;
  }

  /** The key figures shown on the pages: [kpi key, string key, digits]. */
  const FIGURES = [
    ['km', 'kpi.km', 1], ['driving_h', 'kpi.driving_h', 1], ['working_h', 'kpi.working_h', 1],
    ['trips', 'kpi.trips', 0], ['vehicles_used', 'kpi.vehicles_used', 0],
    ['visits_served', 'kpi.visits_served', 0], ['visits_unserved', 'kpi.visits_unserved', 0],
    ['tonnes', 'kpi.tonnes', 1], ['cost_yuan', 'kpi.cost_yuan', 0], ['co2_kg', 'kpi.co2_kg', 0],
    ['haul_km', 'kpi.haul_km', 1], ['stored_haul_yuan', 'kpi.stored_haul_yuan', 0],
  ];

  /** A figure's value (tonnes summed over streams). */
  function figure(kpis, key) {
    if (key === 'tonnes') return Object.values(kpis.tonnes_by_stream || {}).reduce((a, b) => a + b, 0);
    return kpis[key];
  }

  /** Kilograms per hour of day over all facilities (or one), hours "00"…"23". */
  function inflowByHour(kpis, facility) {
    const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
    const totals = hours.map(() => 0);
    for (const [id, byHour] of Object.entries(kpis.facility_inflow_kg_by_hour || {})) {
      if (facility && id !== facility) continue;
      for (const [hour, kg] of Object.entries(byHour)) totals[Number(hour)] += kg;
    }
    return { hours, totals };
  }

  return { districtSelect, versions, versionLabel, routeIds, routeLayer, placesLayer, FIGURES, figure, inflowByHour };
})();
