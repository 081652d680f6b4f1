// SSR Brief Assistant page: plain JavaScript, no build step, no network beyond this service.
"use strict";

const state = {
  sessionId: sessionStorage.getItem("ssr-session"), citations: new Map(), passages: new Map(), catalogue: null, briefs: [],
};
const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function pages(list, printed) {
  if (!list || !list.length) return "";
  if (printed && printed.length && printed.join() !== list.join()) return `, p. ${printed.join(", ")} (PDF p. ${list.join(", ")})`;
  return `, p. ${list.join(", ")}`;
}

async function api(path, options = {}) {
  const response = await fetch(path, { headers: { "Content-Type": "application/json" }, ...options });
  if (!response.ok) {
    let message = `The service answered ${response.status}.`;
    try { message = (await response.json()).error.message; } catch (_) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

// ---------------------------------------------------------------- asking

async function ensureSession() {
  if (state.sessionId) {
    const known = await fetch(`/sessions/${state.sessionId}`);
    if (known.ok) return state.sessionId;
  }
  const session = await (await api("/sessions", { method: "POST" })).json();
  state.sessionId = session.id;
  sessionStorage.setItem("ssr-session", session.id);
  return session.id;
}

function markerButton(turnKey, marker) {
  return element("button", {
    type: "button", class: "marker", "data-marker": marker, "aria-label": `Source ${marker}`,
    onclick: () => openSource(turnKey, marker),
  }, `[${marker}]`);
}

function sentenceNode(turnKey, sentence) {
  return element("span", { class: "sentence" }, sentence.text, " ", sentence.markers.map((m) => markerButton(turnKey, m)), " ");
}

const SUPPORT_NOTES = {
  answered: "Answered from the briefs: every sentence is quoted from them.",
  partial: "Partly covered: these are the closest quotes, but the briefs may not answer this directly.",
  not_covered: "Not covered by the briefs. Try the words the briefs use, or ask about a push factor or an SSR entry point.",
};

function renderAnswer(turn, turnKey, payload) {
  turn.querySelector(".answer").replaceChildren();
  state.citations.set(turnKey, new Map(payload.citations.map((c) => [c.marker, c])));
  state.passages.set(turnKey, payload.passages || []);
  if (payload.followup) {
    turn.querySelector(".effective").textContent = `Follow-up, searched as: ${payload.effective_query}`;
    turn.querySelector(".effective").hidden = false;
  }
  const answer = turn.querySelector(".answer");
  turn.dataset.support = payload.support;
  if (payload.abstained) {
    turn.classList.add("not-covered");
    answer.append(
      element("p", { class: "notice" }, "Not covered by the briefs"),
      element("p", {}, payload.message),
      element("p", { class: "hint" }, "Try the words the briefs use, name a push factor, or ask about an SSR entry point."),
      element("p", {}, "Closest material:"),
      element("ul", { class: "closest" }, payload.passages.slice(0, 3).map((p) =>
        element("li", {}, element("a", { class: "entry-title", href: p.url, target: "_blank", rel: "noopener" }, p.title),
          pages(p.pages), ` — ${p.section || "start"}`,
          element("details", {}, element("summary", {}, "The passage"), element("p", { class: "summary" }, p.text))))),
    );
    return;
  }
  answer.append(element("p", { class: `support support-${payload.support}` }, SUPPORT_NOTES[payload.support] || ""));
  if (payload.searched_as) {
    answer.append(element("p", { class: "searched-as" }, `Searched as: ${payload.searched_as}`));
  }
  if (payload.support === "partial") {
    turn.classList.add("partial");
    if (payload.message) answer.append(element("p", {}, payload.message));
  } else if (payload.message) {
    answer.append(element("p", {}, payload.message));
  }
  answer.append(element("p", {}, payload.sentences.map((s) => sentenceNode(turnKey, s))));
  answer.append(element("div", { class: "tools" },
    element("button", { type: "button", class: "secondary copy", onclick: (e) => copyAnswer(e.currentTarget, payload, true) },
      "Copy with sources"),
    element("button", { type: "button", class: "secondary copy", onclick: (e) => copyAnswer(e.currentTarget, payload, false) },
      "Copy as plain text")));
  if (payload.entry_points.length) {
    answer.append(element("details", { class: "entry-block" },
      element("summary", {}, `Entry points (${payload.entry_points.length})`),
      element("ul", { class: "entry-points" }, payload.entry_points.map(entryPointItem))));
  }
}

function answerAsText(payload, markdown) {
  const body = payload.sentences.map((s) => `${s.text} ${s.markers.map((m) => `[${m}]`).join("")}`).join(" ");
  const base = window.location.origin;
  const sources = payload.citations.map((c) => {
    const where = `${c.title}${c.section ? `, ${c.section}` : ""}${pages(c.pages, c.printed_pages)}`;
    return markdown ? `[${c.marker}] [${where}](${base}${c.url})` : `[${c.marker}] ${where}. ${base}${c.url}`;
  });
  const question = markdown ? `**${payload.question}**` : payload.question;
  return `${question}\n\n${body}\n\nSources:\n${sources.join("\n")}\n`;
}

async function copyAnswer(button, payload, markdown) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(answerAsText(payload, markdown));
    button.textContent = "Copied";
  } catch (_) {
    button.textContent = "Copy failed: select the answer instead";
  }
  setTimeout(() => { button.textContent = label; }, 2500);
}

function entryPointItem(entry) {
  const seen = new Set();
  const sources = entry.sources.filter((s) => {
    const key = `${s.title}${pages(s.pages)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return element("li", { class: "entry-point" },
    element("span", { class: "entry-title" }, entry.title),
    entry.factor ? element("span", { class: "factor-name" }, ` (${entry.factor.name})`) : null,
    entry.summary.map((q) => element("p", { class: "summary" }, q.text)),
    element("p", { class: "sources" }, "Sources: ", sources.map((s, i) => [i ? "; " : "",
      element("a", { href: s.url, target: "_blank", rel: "noopener" }, `${s.title}${pages(s.pages)}`)])));
}

async function streamTurn(sessionId, question, onSentence) {
  const chosen = chosenBriefs();
  const response = await api(`/sessions/${sessionId}/messages?stream=true`, {
    method: "POST", body: JSON.stringify(chosen ? { question, documents: chosen } : { question }),
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let final = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const kind = (block.match(/^event: (.*)$/m) || [])[1];
      const data = (block.match(/^data: (.*)$/m) || [])[1];
      if (!data) continue;
      if (kind === "sentence") onSentence(JSON.parse(data));
      else if (kind === "done") final = JSON.parse(data);
      else if (kind === "error") throw new Error(JSON.parse(data).error.message);
    }
  }
  if (!final) throw new Error("The answer stream ended early; try again.");
  return final;
}

async function ask(event) {
  event.preventDefault();
  const box = $("question");
  const question = box.value.trim();
  const error = $("form-error");
  error.hidden = true;
  if (!question) {
    error.textContent = "Type a question first.";
    error.hidden = false;
    box.focus();
    return;
  }
  const button = $("ask-button");
  button.disabled = true;
  const turnKey = `t${Date.now()}`;
  const turn = element("article", { class: "turn", "aria-busy": "true" },
    element("p", { class: "question" }, question),
    element("p", { class: "effective", hidden: "" }),
    element("div", { class: "answer" }, element("p", { class: "pending" }, "Searching the briefs…")));
  $("conversation").append(turn);
  try {
    const sessionId = await ensureSession();
    const live = element("p", { class: "streaming" });
    let started = false;
    const payload = await streamTurn(sessionId, question, (sentence) => {
      if (!started) { turn.querySelector(".answer").replaceChildren(live); started = true; }
      live.append(sentenceNode(turnKey, sentence));
    });
    renderAnswer(turn, turnKey, payload);
    box.value = "";
  } catch (failure) {
    turn.remove();
    error.textContent = failure.message;
    error.hidden = false;
  } finally {
    turn.removeAttribute("aria-busy");
    button.disabled = false;
    box.focus();
  }
}

function openSource(turnKey, marker) {
  const citation = state.citations.get(turnKey)?.get(marker);
  if (!citation) return;
  $("source-title").textContent = `[${marker}] ${citation.title}`;
  $("source-meta").textContent = `${citation.section || "Start of the document"}${pages(citation.pages, citation.printed_pages)}`;
  // the quote inside its passage, when the answer's passages hold it; else the quote alone
  const passage = (state.passages.get(turnKey) || []).find((p) =>
    p.doc_id === citation.doc_id && p.start <= citation.start && citation.end <= p.end);
  const quote = $("source-quote");
  if (passage) {
    const from = citation.start - passage.start;
    const to = citation.end - passage.start;
    quote.replaceChildren(passage.text.slice(0, from), element("mark", {}, passage.text.slice(from, to)), passage.text.slice(to));
  } else {
    quote.replaceChildren(element("mark", {}, citation.quote));
  }
  $("source-link").href = citation.url;
  const page = citation.pages && citation.pages.length ? citation.pages[0] : null;
  $("source-file").href = `/documents/${encodeURIComponent(citation.doc_id)}/file${page ? `#page=${page}` : ""}`;
  $("source-file").textContent = page ? `Open the original at page ${page}` : "Open the original";
  $("source-dialog").showModal();
  $("source-close").focus();
}

function newConversation() {
  const previous = state.sessionId;
  state.sessionId = null;
  sessionStorage.removeItem("ssr-session");
  state.citations.clear();
  state.passages.clear();
  $("conversation").replaceChildren();
  $("question").focus();
  if (previous) fetch(`/sessions/${previous}`, { method: "DELETE" }).catch(() => {});
}

async function restoreConversation() {
  if (!state.sessionId) return;
  const response = await fetch(`/sessions/${state.sessionId}`);
  if (!response.ok) { state.sessionId = null; sessionStorage.removeItem("ssr-session"); return; }
  const session = await response.json();
  for (let i = 0; i + 1 < session.messages.length; i += 2) {
    const key = `r${i}`;
    const turn = element("article", { class: "turn" },
      element("p", { class: "question" }, session.messages[i].content),
      element("p", { class: "effective", hidden: "" }), element("div", { class: "answer" }));
    $("conversation").append(turn);
    if (session.messages[i + 1].answer) renderAnswer(turn, key, session.messages[i + 1].answer);
  }
}

// ---------------------------------------------------------------- entry points

async function showCatalogue() {
  if (!state.catalogue) {
    state.catalogue = await (await api("/entry-points")).json();
  }
  const words = $("factor-filter").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (text) => words.every((w) => text.toLowerCase().includes(w));
  const groups = new Map();
  for (const entry of state.catalogue.entry_points) {
    const heading = entry.factor ? `${entry.factor.label || "Factor"}: ${entry.factor.name}` : entry.label;
    const haystack = `${heading} ${entry.title} ${entry.summary.map((q) => q.text).join(" ")}`;
    if (!matches(haystack)) continue;
    if (!groups.has(heading)) groups.set(heading, []);
    groups.get(heading).push(entry);
  }
  const sections = [...groups].map(([heading, entries]) =>
    element("section", { class: "factor" }, element("h3", {}, heading), element("ul", { class: "entry-points" }, entries.map(entryPointItem))));
  $("catalogue").replaceChildren(...(sections.length ? sections : [element("p", {}, "Nothing matches that filter.")]));
}

function showView(name) {
  for (const view of ["ask", "entry-points"]) {
    $(`view-${view}`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-pressed", String(view === name));
  }
  if (name === "entry-points") showCatalogue().catch((e) => { $("catalogue").textContent = e.message; });
}

// ---------------------------------------------------------------- the briefs searched

function chosenBriefs() {
  const boxes = [...document.querySelectorAll("#brief-list input[type=checkbox]")];
  const ticked = boxes.filter((b) => b.checked).map((b) => b.value);
  return ticked.length === boxes.length ? null : ticked;  // null: all of them
}

function updatePickerSummary() {
  const chosen = chosenBriefs();
  $("brief-summary").textContent = chosen === null ? `Briefs searched: all ${state.briefs.length}` : `Briefs searched: ${chosen.length} of ${state.briefs.length}`;
  $("ask-button").disabled = chosen !== null && chosen.length === 0;
}

async function showBriefs() {
  state.briefs = await (await api("/documents")).json();
  $("brief-list").replaceChildren(...state.briefs.map((b) =>
    element("li", {}, element("label", { class: "brief" },
      element("input", { type: "checkbox", value: b.doc_id, checked: "", onchange: updatePickerSummary }), ` ${b.title}`))));
  updatePickerSummary();
}

async function showStatus() {
  try {
    const ready = await (await api("/ready")).json();
    $("corpus-status").textContent = `${ready.documents} briefs indexed.`;
  } catch (failure) {
    $("corpus-status").textContent = failure.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("ask-form").addEventListener("submit", ask);
  $("question").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("ask-form").requestSubmit(); }
  });
  $("new-conversation").addEventListener("click", newConversation);
  $("source-close").addEventListener("click", () => $("source-dialog").close());
  $("tab-ask").addEventListener("click", () => showView("ask"));
  $("tab-entry-points").addEventListener("click", () => showView("entry-points"));
  $("factor-filter").addEventListener("input", () => showCatalogue());
  showStatus();
  showBriefs().catch(() => {});
  restoreConversation();
});
