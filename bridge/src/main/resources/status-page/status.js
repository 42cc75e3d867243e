// The status page: fills the figures and three line charts from the bridge's own JSON API.
// On load it reads /api/history (the last minutes, one point per second), then polls /api/status
// every second and appends. Plain JS and <canvas>, no libraries: the page must work offline.
// After each draw a chart's canvas carries data-points="N" so tests can see that it rendered.
'use strict';

const HISTORY_LIMIT = 900;          // the server keeps 900 one-second points: 15 minutes
const MIN_WINDOW_MS = 60 * 1000;    // never stretch a few seconds of data over the whole width
const POLL_MS = 1000;
const MB = 1024 * 1024;

const points = [];                  // status objects from the API, oldest first
let lastFailure = null;
let polls = 0;                      // answered polls, shown as <body data-polls> for tests

const charts = [
  { id: 'chart-lag', value: p => p.lag_seconds, format: v => v.toFixed(1) + ' s', floor: 1 },
  { id: 'chart-wal', value: p => p.slot_retained_wal_bytes == null ? null : p.slot_retained_wal_bytes / MB,
    format: v => v.toFixed(1) + ' MB', floor: 1 },
  { id: 'chart-throughput', value: p => p.events_per_second, format: v => Math.round(v) + ' events/s', floor: 10 },
];

// ---- figures -------------------------------------------------------------------------------

function el(id) {
  return document.getElementById(id);
}

function setFigure(id, value, text) {
  const node = el(id);
  node.dataset.value = value == null ? '' : String(value);
  node.textContent = value == null ? '–' : text;
}

function integer(n) {
  return Math.round(n).toLocaleString('en-US');
}

function megabytes(bytes) {
  return (bytes / MB).toFixed(1);
}

function renderFigures(s) {
  el('bridge-name').textContent = s.bridge_name;
  const state = el('state');
  state.textContent = s.state;
  state.dataset.state = s.state;
  el('updated-at').textContent = new Date(parseInstant(s.updated_at)).toLocaleTimeString('en-GB');
  const role = el('role');
  role.textContent = s.role || '–';
  role.dataset.role = s.role || '';
  if (s.instances) {                // only the latest status carries them, not the history
    renderInstances(s.instances, s.instance_id);
  }
  if (s.read_replicas) {            // likewise
    renderReadReplicas(s.read_replicas);
  }

  setFigure('lag', s.lag_seconds, s.lag_seconds == null ? '' : s.lag_seconds.toFixed(1));
  setFigure('events-per-second', s.events_per_second, integer(s.events_per_second));
  setFigure('events-applied', s.events_applied_total, integer(s.events_applied_total));
  setFigure('batches', s.batches_applied_total, integer(s.batches_applied_total));
  setFigure('rejected-rows', s.rejected_rows_total, integer(s.rejected_rows_total));

  el('slot-name').textContent = s.slot_name;
  el('slot-active').textContent = s.slot_active == null ? 'unknown' : (s.slot_active ? 'yes' : 'no');
  el('slot-active').className = s.slot_active === false ? 'warn' : '';
  setFigure('slot-retained-wal', s.slot_retained_wal_bytes, megabytes(s.slot_retained_wal_bytes));
  el('slot-wal-status').textContent = s.slot_wal_status || '–';
  el('slot-wal-status').className = s.slot_wal_status === 'unreserved' || s.slot_wal_status === 'lost' ? 'bad' : '';
  // PostgreSQL reports no safe_wal_size when max_slot_wal_keep_size is -1: WAL is kept without limit.
  el('slot-safe-wal-size').textContent = s.slot_safe_wal_size_bytes == null
    ? (s.slot_active == null ? '–' : 'not limited') : megabytes(s.slot_safe_wal_size_bytes) + ' MB';

  renderSnapshot(s.snapshot_progress || {});
  el('error-panel').hidden = !s.last_error;
  el('last-error').textContent = s.last_error || '';
}

// Every instance started with this bridge's name, as the read side's instances table knows them.
function renderInstances(instances, self) {
  el('instance-rows').replaceChildren(...instances.map(i => {
    const row = document.createElement('tr');
    row.dataset.instanceId = i.instance_id;
    row.dataset.role = i.role;
    row.dataset.stale = String(i.stale);
    row.classList.toggle('stale', i.stale);
    row.classList.toggle('self', i.instance_id === self);
    const lastReport = i.stale ? 'silent for ' + integer(i.silent_seconds) + ' s: stale'
      : i.silent_seconds.toFixed(1) + ' s ago';
    [i.host + ':' + i.pid + (i.instance_id === self ? ' (this page)' : ''), i.role, i.state,
      new Date(parseInstant(i.started_at)).toLocaleString('en-GB'), lastReport].forEach(text => {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    });
    return row;
  }));
}

// Physical standbys of the read database streaming from the server the bridge writes to; the panel
// stays hidden while there are none.
function renderReadReplicas(replicas) {
  el('read-replicas').hidden = replicas.length === 0;
  el('read-replica-rows').replaceChildren(...replicas.map(r => {
    const row = document.createElement('tr');
    row.dataset.replica = r.replica;
    [r.replica, r.state, r.replay_lag_seconds == null ? 'unknown' : r.replay_lag_seconds.toFixed(3) + ' s',
      r.replay_lag_bytes == null ? 'unknown' : megabytes(r.replay_lag_bytes) + ' MB'].forEach(text => {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    });
    return row;
  }));
}

function renderSnapshot(progress) {
  const tables = Object.keys(progress);
  el('snapshot').hidden = tables.length === 0;
  const body = el('snapshot-rows');
  body.replaceChildren(...tables.map(table => {
    const p = progress[table];
    const row = document.createElement('tr');
    const bar = document.createElement('progress');
    bar.max = Math.max(1, p.rows_estimated);
    bar.value = p.rows_done;
    [table, integer(p.rows_done), integer(p.rows_estimated)].forEach(text => {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.appendChild(cell);
    });
    const cell = document.createElement('td');
    cell.append(bar, ' ' + Math.floor(100 * p.rows_done / Math.max(1, p.rows_estimated)) + ' %');
    row.appendChild(cell);
    return row;
  }));
}

// ---- charts --------------------------------------------------------------------------------

// Instant.toString() may carry nanoseconds; Date.parse wants at most milliseconds.
function parseInstant(text) {
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
}

// The smallest of 1, 2, 2.5, 5 × 10^k that is at least x.
function niceCeil(x) {
  const power = Math.pow(10, Math.floor(Math.log10(x)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= x) {
      return step * power;
    }
  }
  return 10 * power;
}

function timeLabel(secondsAgo) {
  if (secondsAgo === 0) {
    return 'now';
  }
  return secondsAgo % 60 === 0 ? '−' + secondsAgo / 60 + ' min' : '−' + secondsAgo + ' s';
}

function drawChart(chart) {
  const canvas = el(chart.id);
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const series = points.map(p => ({ t: parseInstant(p.updated_at), v: chart.value(p) }));
  const values = series.filter(p => p.v != null && isFinite(p.v));
  const latest = values.length ? values[values.length - 1].v : null;
  el(chart.id + '-now').textContent = latest == null ? '' : 'now ' + chart.format(latest);

  // Time runs on the server's clock (the newest point is "now"), so a skewed browser clock cannot shift it.
  const end = series.length ? series[series.length - 1].t : 0;
  const start = end - Math.max(MIN_WINDOW_MS, series.length ? end - series[0].t : 0);
  // Four gridline steps of a round size, so the axis reads 0, 5, 10, 15, 20 rather than 3.75.
  const gridStep = niceCeil(Math.max(chart.floor, ...values.map(p => p.v)) * 1.1 / 4);
  const top = 4 * gridStep;
  const plot = { left: 48, right: width - 8, top: 8, bottom: height - 20 };
  const x = t => plot.left + (plot.right - plot.left) * (t - start) / (end - start || 1);
  const y = v => plot.bottom - (plot.bottom - plot.top) * v / top;

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#667';
  g.strokeStyle = '#e3e6ea';
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const v = gridStep * i;
    g.beginPath();
    g.moveTo(plot.left, Math.round(y(v)) + 0.5);
    g.lineTo(plot.right, Math.round(y(v)) + 0.5);
    g.stroke();
    g.fillText(Number(v.toPrecision(3)).toLocaleString('en-US'), plot.left - 6, y(v));
  }
  const spanSeconds = (end - start) / 1000;
  const step = [10, 30, 60, 120, 300].find(s => spanSeconds / s <= 6) || 600;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (let ago = 0; ago <= spanSeconds; ago += step) {
    g.fillText(timeLabel(ago), Math.min(plot.right - 14, x(end - ago * 1000)), plot.bottom + 5);
  }

  // Gaps (a figure not yet known) break the line rather than drawing it to zero.
  g.strokeStyle = '#1f6feb';
  g.lineWidth = 1.5;
  g.lineJoin = 'round';
  g.beginPath();
  let drawing = false;
  for (const p of series) {
    if (p.v == null || !isFinite(p.v)) {
      drawing = false;
    } else if (drawing) {
      g.lineTo(x(p.t), y(p.v));
    } else {
      g.moveTo(x(p.t), y(p.v));
      drawing = true;
    }
  }
  g.stroke();
  canvas.dataset.points = String(values.length);
}

function drawCharts() {
  charts.forEach(drawChart);
}

// ---- data ----------------------------------------------------------------------------------

function append(status) {
  // The server gathers once a second; two polls inside one tick return the same point.
  const last = points[points.length - 1];
  if (last && last.updated_at === status.updated_at) {
    return;
  }
  points.push(status);
  if (points.length > HISTORY_LIMIT) {
    points.splice(0, points.length - HISTORY_LIMIT);
  }
}

async function fetchJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(path + ' answered HTTP ' + response.status);
  }
  return response.json();
}

function showConnection(error) {
  const banner = el('connection');
  if (error) {
    lastFailure = lastFailure || new Date();
    banner.textContent = 'Cannot reach the bridge since ' + lastFailure.toLocaleTimeString('en-GB')
      + ' (' + error.message + '). The figures below are from before that.';
  } else {
    lastFailure = null;
  }
  banner.hidden = !error;
}

async function poll() {
  try {
    const status = await fetchJson('api/status');
    append(status);
    renderFigures(status);
    drawCharts();
    showConnection(null);
    document.body.dataset.polls = String(++polls);
  } catch (error) {
    showConnection(error);
  }
  setTimeout(poll, POLL_MS);
}

async function start() {
  try {
    (await fetchJson('api/history')).forEach(append);
    if (points.length) {
      renderFigures(points[points.length - 1]);
    }
    drawCharts();
  } catch (error) {
    showConnection(error);
  }
  window.addEventListener('resize', drawCharts);
  poll();
}

start();
