// story.js draws one replicate of a trustsim batch week by week: two of
// its design points side by side, each as organizations (circles) of
// people (dots coloured by role) joined by ties, with the partnership
// strength between organizations as orange bands, and under them the
// weekly results of both on one timeline with the scheduled events. The
// data, DATA, is written by package output (story.go), which documents
// every field. Nothing is loaded from the network.
"use strict";
(function () {
  const D = DATA;
  const ROLE_COLOURS = ["#D55E00", "#0072B2", "#009E73", "#CC79A7"]; // leader, staff, volunteer, member (Okabe-Ito)
  const LANE_COLOURS = ["#0072B2", "#1f2328"]; // not a role colour, so a run is not mistaken for a role
  const SUCCESSOR_WEEKS = 26, DEPARTED_WEEKS = 4, CAPTION_WEEKS = 6;
  const nSlots = D.role.length;
  const last = D.lanes[0].frames.length - 1;
  const $ = (id) => document.getElementById(id);
  const orgOf = new Int32Array(nSlots);
  D.orgs.forEach((o, i) => { for (let s = o.first; s < o.end; s++) orgOf[s] = i; });
  const metric = (name) => D.metrics.indexOf(name);

  // Layout: partner organizations on an ellipse in the upper part, the
  // community below; people on a sunflower inside their organization,
  // leaders in the middle.
  function layout(W, H) {
    const partners = [], community = [];
    D.orgs.forEach((o, i) => (o.kind === "community" ? community : partners).push(i));
    // The community band is as tall as its members need at about 13
    // pixels apart, within a third of the height.
    let members = 0;
    community.forEach((i) => { members += D.orgs[i].end - D.orgs[i].first; });
    const perRow = Math.max(1, Math.floor((W - 28) / 13));
    const topH = community.length ? H - Math.min(H / 3, 40 + 15 * Math.ceil(members / perRow)) : H;
    const n = partners.length;
    const maxN = Math.max(1, ...partners.map((i) => D.orgs[i].end - D.orgs[i].first));
    // Partner organizations on an ellipse, the first on the left for two
    // and at the top otherwise; the largest dot spacing c at which
    // neighbours keep room for their names between them.
    const angle = (k) => (n === 2 ? Math.PI * (1 - k) : -Math.PI / 2 + (2 * Math.PI * k) / n);
    let c = 16, rmax = 0, rx = 0, ry = 0;
    for (; c > 0.6; c -= 0.1) {
      rmax = c * Math.sqrt(maxN) + 5;
      rx = W / 2 - rmax - 8;
      ry = n === 2 ? 0 : topH / 2 - rmax - 16;
      if (rx <= 0 || ry < 0) continue;
      let ok = true;
      for (let k = 0; k < n && n > 1; k++) {
        const a = angle(k), b = angle((k + 1) % n);
        const d = Math.hypot(rx * (Math.cos(a) - Math.cos(b)), ry * (Math.sin(a) - Math.sin(b)));
        if (d < 2 * rmax + 24) ok = false;
      }
      if (ok) break;
    }
    const dot = Math.max(1.3, Math.min(6, c * 0.6));
    const pos = new Float32Array(2 * nSlots), centre = [], radius = [];
    partners.forEach((oi, k) => {
      const a = angle(k);
      const cx = n === 1 ? W / 2 : W / 2 + rx * Math.cos(a), cy = topH / 2 + 6 + (n === 1 ? 0 : ry * Math.sin(a));
      const o = D.orgs[oi], m = o.end - o.first;
      centre[oi] = [cx, cy];
      radius[oi] = c * Math.sqrt(m) + 5;
      for (let j = 0; j < m; j++) {
        const r = c * Math.sqrt(j + 0.5), t = j * 2.39996;
        pos[2 * (o.first + j)] = cx + r * Math.cos(t);
        pos[2 * (o.first + j) + 1] = cy + r * Math.sin(t);
      }
    });
    // Community organizations share the bottom band, side by side, each
    // a grid of its members.
    const bw = (W - 16) / Math.max(1, community.length), y0 = topH + 12, bh = H - y0 - 6;
    let cdot = dot;
    community.forEach((oi, k) => {
      const o = D.orgs[oi], m = Math.max(1, o.end - o.first);
      const x0 = 8 + k * bw;
      const w = bw - 12, h = bh - 8;
      const cols = Math.max(1, Math.min(m, Math.ceil(Math.sqrt((m * w) / h))));
      const gx = w / cols, gy = h / Math.ceil(m / cols), g = Math.min(gx, gy);
      cdot = Math.min(cdot, Math.max(1.1, g * 0.36));
      centre[oi] = [x0 + bw / 2, y0 + bh / 2];
      radius[oi] = { x: x0, y: y0, w: bw - 6, h: bh };
      for (let j = 0; j < o.end - o.first; j++) {
        pos[2 * (o.first + j)] = x0 + 6 + gx * ((j % cols) + 0.5);
        pos[2 * (o.first + j) + 1] = y0 + 4 + gy * (Math.floor(j / cols) + 0.5);
      }
    });
    return { pos, centre, radius, dot, cdot };
  }

  // Per lane: the arrivals of successors and the departures by frame, to
  // mark them for some weeks.
  function changesOf(lane) {
    return lane.frames.map((f) => {
      const arr = [], dep = [];
      const c = f.c || [];
      for (let k = 0; k < c.length; k += 3) (c[k + 1] ? (c[k + 2] > 1 ? arr : null) : dep)?.push(c[k]);
      return { arr, dep };
    });
  }
  const changes = D.lanes.map(changesOf);

  // The ties of a lane in a week, id → trust in hundredths: from the key
  // frame at or before the week, with the changes of the weeks after it
  // applied (story.go, storyFrame). Playing forward applies one week.
  const tieCache = D.lanes.map(() => ({ week: -1, ties: new Map() }));
  function tiesAt(li, week) {
    const c = tieCache[li], frames = D.lanes[li].frames;
    if (c.week === week) return c.ties;
    let from = week;
    while (!frames[from].t) from--;
    if (c.week < from || c.week > week) {
      c.ties = new Map();
      for (const v of frames[from].t) c.ties.set(v >> 7, v & 127);
      c.week = from;
    }
    for (let w = c.week + 1; w <= week; w++) {
      for (const v of frames[w].d || []) {
        if ((v & 127) === 127) c.ties.delete(v >> 7);
        else c.ties.set(v >> 7, v & 127);
      }
    }
    c.week = week;
    return c.ties;
  }

  const view = { week: 0, playing: false, lanes: [0, D.lanes.length - 1], speed: 10 }; // the first and the last point: for a sweep, its ends
  const canvases = [$("lane0"), $("lane1")];
  const geo = layout(canvases[0].width, canvases[0].height);

  function bandKey(a, b) { return D.orgs[a].name + "|" + D.orgs[b].name; }

  function drawLane(k) {
    const li = view.lanes[k], lane = D.lanes[li], f = lane.frames[view.week];
    const cv = canvases[k], g = cv.getContext("2d");
    const W = cv.width, H = cv.height, pos = geo.pos;
    g.clearRect(0, 0, W, H);
    const out = new Set(f.o || []);
    // Bands: partnership strength between organizations.
    g.lineCap = "round";
    const bands = {};
    lane.pairs.forEach((pr, j) => {
      const s = (f.p[j] || 0) / 1000;
      bands[bandKey(pr[0], pr[1])] = s;
      if (s < 0.005) return;
      const a = geo.centre[pr[0]], b = geo.centre[pr[1]];
      g.strokeStyle = "rgba(230,159,0,0.42)";
      g.lineWidth = 2 + 26 * s;
      g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
    });
    // Organizations.
    g.font = "12px 'Liberation Sans', Arial, sans-serif";
    g.textAlign = "center";
    D.orgs.forEach((o, i) => {
      const r = geo.radius[i], c = geo.centre[i];
      g.setLineDash(out.has(i) ? [4, 3] : []);
      g.fillStyle = out.has(i) ? "rgba(246,248,250,0.5)" : "rgba(243,244,246,0.82)";
      g.strokeStyle = "#afb8c1";
      g.lineWidth = 1;
      g.beginPath();
      if (typeof r === "number") g.arc(c[0], c[1], r, 0, 2 * Math.PI);
      else g.rect(r.x, r.y, r.w, r.h);
      g.fill(); g.stroke();
      g.setLineDash([]);
      g.fillStyle = out.has(i) ? "#8c959f" : "#1f2328";
      const ty = typeof r === "number" ? c[1] - r - 4 : r.y - 4;
      g.fillText(o.name + (out.has(i) ? " (not in the initiative)" : ""), c[0], ty);
    });
    // Ties, in ten shades per kind so that each shade is one path.
    const paths = [[], []];
    for (let s = 0; s < 10; s++) { paths[0].push(new Path2D()); paths[1].push(new Path2D()); }
    let nTies = 0;
    const ties = tiesAt(li, view.week);
    for (const [id, q] of ties) {
      if (q < 3) continue;
      const a = lane.ties[2 * id], b = lane.ties[2 * id + 1];
      const p = paths[orgOf[a] === orgOf[b] ? 0 : 1][Math.min(9, Math.floor(q / 10))];
      p.moveTo(pos[2 * a], pos[2 * a + 1]); p.lineTo(pos[2 * b], pos[2 * b + 1]);
      nTies++;
    }
    g.lineWidth = 1;
    for (let s = 0; s < 10; s++) {
      g.strokeStyle = "rgba(110,119,129," + (0.05 + 0.035 * s).toFixed(3) + ")"; g.stroke(paths[0][s]);
      g.strokeStyle = "rgba(0,70,160," + (0.12 + 0.085 * s).toFixed(3) + ")"; g.stroke(paths[1][s]);
    }
    // People.
    const vacant = new Set(f.v);
    const succ = new Set(), gone = new Set();
    for (let w = Math.max(1, view.week - SUCCESSOR_WEEKS + 1); w <= view.week; w++) changes[li][w].arr.forEach((s) => succ.add(s));
    for (let w = Math.max(1, view.week - DEPARTED_WEEKS + 1); w <= view.week; w++) changes[li][w].dep.forEach((s) => gone.add(s));
    let present = 0, successors = 0;
    for (let s = 0; s < nSlots; s++) {
      const oi = orgOf[s];
      if (out.has(oi)) continue;
      const x = pos[2 * s], y = pos[2 * s + 1];
      const r = D.orgs[oi].kind === "community" ? geo.cdot : geo.dot;
      const big = D.role[s] === 0 ? 1.45 : 1;
      g.beginPath(); g.arc(x, y, r * big, 0, 2 * Math.PI);
      if (vacant.has(s)) {
        g.fillStyle = "#fff"; g.fill();
        g.strokeStyle = "#8c959f"; g.lineWidth = 1; g.stroke();
      } else {
        present++;
        g.fillStyle = ROLE_COLOURS[D.role[s]]; g.fill();
        if (succ.has(s)) { successors++; g.strokeStyle = "#000"; g.lineWidth = 1.6; g.stroke(); }
      }
      if (gone.has(s)) {
        const e = r * big + 2.5;
        g.strokeStyle = "#cf222e"; g.lineWidth = 2;
        g.beginPath(); g.moveTo(x - e, y - e); g.lineTo(x + e, y + e); g.moveTo(x + e, y - e); g.lineTo(x - e, y + e); g.stroke();
      }
    }
    const m = f.m;
    $("stats" + k).textContent = "results " + m[metric("results")].toFixed(1) + " hours/week · cumulative " +
      Math.round(m[metric("cumulative_results")]).toLocaleString("en") + " · mean partnership strength " +
      m[metric("partnership_strength")].toFixed(3) + " · mean trust " + m[metric("mean_trust")].toFixed(2) +
      " · vacancies " + m[metric("vacancies")] + " · arrangements in force " + m[metric("arrangements_active")];
    return { label: lane.label, bands, present, vacant: f.v.length, ties: ties.size, drawnTies: nTies, successors, departed: gone.size,
      results: m[metric("results")], arrangements: f.a };
  }

  // The timeline: both runs' weekly results, the scheduled events and
  // the current week.
  const tl = $("timeline");
  const TL = { l: 62, r: 12, t: 14, b: 30 };
  let yMax = 0;
  D.lanes.forEach((lane) => lane.frames.forEach((f) => { yMax = Math.max(yMax, f.m[metric("results")]); }));
  yMax = yMax > 0 ? yMax * 1.08 : 1;
  const xOf = (w) => TL.l + ((tl.width - TL.l - TL.r) * w) / Math.max(1, last);
  const yOf = (v) => tl.height - TL.b - ((tl.height - TL.t - TL.b) * v) / yMax;
  function drawTimeline() {
    const g = tl.getContext("2d"), W = tl.width, H = tl.height;
    g.clearRect(0, 0, W, H);
    g.font = "11px 'Liberation Sans', Arial, sans-serif";
    g.strokeStyle = "#d0d7de"; g.lineWidth = 1;
    g.strokeRect(TL.l, TL.t, W - TL.l - TL.r, H - TL.t - TL.b);
    g.fillStyle = "#57606a"; g.textAlign = "center";
    const tick = last > 520 ? 104 : last > 104 ? 52 : 13;
    for (let w = 0; w <= last; w += tick) { g.fillText("week " + w, xOf(w), H - TL.b + 13); }
    g.textAlign = "right";
    g.fillText(Math.round(yMax / 1.08).toString(), TL.l - 4, yOf(yMax / 1.08) + 4);
    g.fillText("0", TL.l - 4, yOf(0) + 4);
    g.save(); g.translate(12, (H - TL.b + TL.t) / 2); g.rotate(-Math.PI / 2); g.textAlign = "center";
    g.fillText("results, hours/week", 0, 0); g.restore();
    const seen = new Set();
    D.lanes[view.lanes[0]].events.concat(D.lanes[view.lanes[1]].events).forEach((e) => {
      if (seen.has(e.step + e.text) || e.step > last) return;
      seen.add(e.step + e.text);
      const x = xOf(e.step);
      g.strokeStyle = "#8250df"; g.setLineDash([3, 3]);
      g.beginPath(); g.moveTo(x, TL.t); g.lineTo(x, H - TL.b); g.stroke(); g.setLineDash([]);
      g.fillStyle = "#8250df"; g.textAlign = x > W / 2 ? "right" : "left";
      g.fillText(e.text, x + (x > W / 2 ? -4 : 4), TL.t + 11);
    });
    [1, 0].forEach((k) => {
      const frames = D.lanes[view.lanes[k]].frames, im = metric("results");
      g.strokeStyle = LANE_COLOURS[k]; g.lineWidth = 1.5;
      g.beginPath();
      frames.forEach((f, w) => { if (w === 0) g.moveTo(xOf(w), yOf(f.m[im])); else g.lineTo(xOf(w), yOf(f.m[im])); });
      g.stroke();
    });
    const x = xOf(view.week);
    g.strokeStyle = "rgba(207,34,46,0.8)"; g.lineWidth = 2;
    g.beginPath(); g.moveTo(x, TL.t); g.lineTo(x, H - TL.b); g.stroke();
  }

  // The caption: what happened in the last few weeks, newest first.
  function caption() {
    const parts = [];
    const sched = new Set();
    for (let w = view.week; w >= Math.max(0, view.week - CAPTION_WEEKS + 1) && parts.length === 0; w--) {
      view.lanes.forEach((li, k) => {
        if (k === 1 && view.lanes[1] === view.lanes[0]) return;
        const n = D.lanes[li].frames[w].n || [];
        const own = n.filter((s) => {
          if (!s.startsWith("Scheduled")) return true;
          if (!sched.has(s)) { sched.add(s); parts.unshift({ text: "Week " + w + ": " + s }); }
          return false;
        });
        if (own.length) parts.push({ text: D.lanes[li].label + ", week " + w + ": " + own.join(" "), k });
      });
    }
    const el = $("caption");
    el.textContent = "";
    if (!parts.length) {
      const s = document.createElement("span"); s.className = "quiet";
      s.textContent = "Week " + view.week + ": nothing of note in the last " + CAPTION_WEEKS + " weeks.";
      el.appendChild(s);
      return;
    }
    parts.forEach((p) => {
      const s = document.createElement("span"); s.className = "lanecap";
      if (p.k !== undefined) s.style.color = LANE_COLOURS[p.k];
      s.textContent = p.text; el.appendChild(s);
    });
  }

  let lastState = null;
  let loadMs = null;
  const renders = { n: 0, ms: 0, max: 0 };
  function render() {
    const t0 = performance.now();
    $("scrub").value = view.week;
    $("week").textContent = "week " + view.week + " of " + last;
    const st = [drawLane(0), drawLane(1)];
    drawTimeline();
    caption();
    // Timings, for checking that playing stays smooth: the time from
    // navigation to the end of the first drawing, and the last drawing's.
    const t1 = performance.now();
    if (loadMs === null) loadMs = t1;
    renders.n++; renders.ms += t1 - t0; renders.max = Math.max(renders.max, t1 - t0);
    lastState = { week: view.week, playing: view.playing, lanes: st, loadMs: Math.round(loadMs), renderMs: +(t1 - t0).toFixed(2),
      meanRenderMs: +(renders.ms / renders.n).toFixed(2), maxRenderMs: +renders.max.toFixed(2) };
    $("state").textContent = JSON.stringify(lastState);
  }
  window.storyState = () => lastState;

  function setWeek(w) { view.week = Math.max(0, Math.min(last, w)); render(); }
  function setPlaying(on) {
    view.playing = on && view.week < last;
    $("play").innerHTML = view.playing ? "&#10074;&#10074; Pause" : "&#9654; Play";
    if (view.playing) { acc = 0; prevT = null; requestAnimationFrame(tick); }
  }
  let acc = 0, prevT = null;
  function tick(t) {
    if (!view.playing) return;
    if (prevT !== null) acc += ((t - prevT) / 1000) * view.speed;
    prevT = t;
    if (acc >= 1) {
      const n = Math.floor(acc); acc -= n;
      setWeek(view.week + n);
      if (view.week >= last) { setPlaying(false); return; }
    }
    requestAnimationFrame(tick);
  }

  // Controls.
  $("title").textContent = D.scenario + ": the story of one run";
  $("lead").textContent = D.description.split("\n")[0] + " Replicate " + D.replicate + ", every week of " + (last + 1) + ".";
  $("scrub").max = last;
  $("play").addEventListener("click", () => setPlaying(!view.playing));
  $("step").addEventListener("click", () => { setPlaying(false); setWeek(view.week + 1); });
  $("back").addEventListener("click", () => { setPlaying(false); setWeek(view.week - 1); });
  $("scrub").addEventListener("input", (e) => { setPlaying(false); setWeek(+e.target.value); });
  $("speed").addEventListener("change", (e) => { view.speed = +e.target.value; });
  function scrubTo(e) {
    const r = tl.getBoundingClientRect(), x = ((e.clientX - r.left) * tl.width) / r.width;
    setPlaying(false);
    setWeek(Math.round(((x - TL.l) * last) / (tl.width - TL.l - TL.r)));
  }
  let dragging = false;
  tl.addEventListener("mousedown", (e) => { dragging = true; scrubTo(e); });
  window.addEventListener("mousemove", (e) => { if (dragging) scrubTo(e); });
  window.addEventListener("mouseup", () => { dragging = false; });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT") return;
    if (e.key === " ") { e.preventDefault(); setPlaying(!view.playing); }
    if (e.key === "ArrowRight") { setPlaying(false); setWeek(view.week + 1); }
    if (e.key === "ArrowLeft") { setPlaying(false); setWeek(view.week - 1); }
  });
  function labels() {
    [0, 1].forEach((k) => {
      const lane = D.lanes[view.lanes[k]], el = $("label" + k);
      el.textContent = "";
      const sw = document.createElement("span"); sw.textContent = "\u25A0 "; sw.style.color = LANE_COLOURS[k];
      const d = document.createElement("span"); d.className = "desc"; d.textContent = lane.description || "";
      el.append(sw, lane.label, d);
    });
    const a = D.lanes[view.lanes[0]], b = D.lanes[view.lanes[1]];
    $("seeds").textContent = a.seed === b.seed
      ? "Both runs use the same random seed (" + a.seed + "), so what differs between them is the strategy, not chance."
      : "The two runs use different random seeds (" + a.seed + ", " + b.seed + "), so part of what differs between them is chance.";
  }
  ["left", "right"].forEach((id, k) => {
    const sel = $(id);
    D.lanes.forEach((lane, i) => { const o = document.createElement("option"); o.value = i; o.textContent = lane.label; sel.appendChild(o); });
    sel.value = view.lanes[k];
    sel.addEventListener("change", () => { view.lanes[k] = +sel.value; labels(); render(); });
  });
  if (D.lanes.length < 3) $("pick").hidden = true;
  const legend = $("legend");
  D.roles.forEach((r, i) => {
    if (!D.role.includes(i)) return;
    const s = document.createElement("span"); s.className = "sw"; s.style.background = ROLE_COLOURS[i];
    legend.append(s, r);
  });
  labels();

  // A test, or a link, can drive the controls from the address:
  // #press=step:52 presses Step 52 times; #left=0&right=2 picks the runs.
  const h = new URLSearchParams(location.hash.slice(1));
  ["left", "right"].forEach((id) => {
    if (h.has(id)) { $(id).value = h.get(id); $(id).dispatchEvent(new Event("change")); }
  });
  render();
  const press = (h.get("press") || "").split(":");
  if (press[0] && $(press[0])) for (let i = 0; i < (+press[1] || 1); i++) $(press[0]).click();
})();
