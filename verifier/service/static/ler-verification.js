/* <ler-verification share="ID" [lang="es"] [theme="light|dark"]>: a shared credential verification.
 *
 * Served by ler-verifier at /embed/v1/ler-verification.js; load it with a plain <script src> (no module,
 * no third-party code). It reads GET <service>/v/<ID>.json (the only route the service opens to other
 * origins), without cookies or referrer, and draws the result in a Shadow DOM with text nodes only (never
 * HTML from the answer). Its styles are a constructed style sheet (adoptedStyleSheets), so it runs under a
 * strict Content-Security-Policy: script-src and connect-src naming the service are all it needs.
 */
(function () {
  "use strict";
  if (!window.customElements || window.customElements.get("ler-verification")) {
    return;
  }
  var current = document.currentScript;
  var SERVICE = current && current.src ? new URL(current.src).origin : "";
  var SHARE_ID = /^[A-Za-z0-9_-]{22,128}$/;
  var SVG = "http://www.w3.org/2000/svg";
  var FALLBACK = {
    en: {loading: "Checking the credential…", unavailable: "The verification could not be loaded.",
         gone: "This verification link has expired or was removed.",
         missing: "There is no verification at this address."},
    es: {loading: "Comprobando la credencial…", unavailable: "No se pudo cargar la verificación.",
         gone: "Este enlace de verificación ha caducado o se ha eliminado.",
         missing: "No hay ninguna verificación en esta dirección."}
  };
  var ICONS = {
    verified: ["circle", "M6.5 12.5l3.5 3.5 7.5-8"],
    not_verified: ["circle", "M8 8l8 8M16 8l-8 8"],
    expired: ["circle", "M12 6.5V12l3.5 2.5"],
    could_not_check: ["triangle", "M12 9v5.5M12 17.5v.5"]
  };
  var MARKS = {passed: "\u2713", failed: "\u2717", indeterminate: "?", not_applicable: "\u2013"};
  var LIGHT = "--bg:#ffffff;--fg:#1b1b1b;--muted:#454545;--line:#c9c9c9;--link:#0b57d0;" +
    "--verified:#0f6b2f;--not_verified:#a4161a;--could_not_check:#7a4a00;--expired:#34466b;";
  var DARK = "--bg:#15171a;--fg:#f1f1f1;--muted:#c4c4c4;--line:#4a4d52;--link:#9cc3ff;" +
    "--verified:#6fdc8c;--not_verified:#ff8a80;--could_not_check:#ffc46b;--expired:#a8c1ff;";
  var CSS = [
    ":host{display:block;max-width:30rem;" + LIGHT + "color-scheme:light;}",
    "@media (prefers-color-scheme: dark){:host(:not([theme=light])){" + DARK + "color-scheme:dark;}}",
    ":host([theme=dark]){" + DARK + "color-scheme:dark;}",
    ":host([hidden]){display:none;}",
    ".card{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg);" +
      "border:1px solid var(--line);border-top:6px solid var(--state,var(--line));border-radius:10px;padding:0.9rem 1rem;}",
    ".state-verified{--state:var(--verified)}.state-not_verified{--state:var(--not_verified)}",
    ".state-could_not_check{--state:var(--could_not_check)}.state-expired{--state:var(--expired)}",
    ".verdict{display:flex;align-items:center;gap:0.5rem;margin:0;font-size:1.2rem;font-weight:700;color:var(--state,var(--fg));}",
    ".icon-bg{fill:var(--state)}.icon-fg{fill:none;stroke:var(--bg);stroke-width:2.6;stroke-linecap:round;stroke-linejoin:round}",
    ".headline{margin:0.3rem 0 0.6rem}",
    "dl{margin:0;display:grid;gap:0.2rem}dl div{display:grid;grid-template-columns:7.5rem 1fr;gap:0.5rem}",
    "dt{color:var(--muted);font-weight:600}dd{margin:0;overflow-wrap:anywhere}.note{color:var(--muted)}",
    "details{margin-top:0.6rem}summary{cursor:pointer;min-height:24px;padding:2px 0}",
    "ul{list-style:none;padding-left:0;margin:0.3rem 0}li{margin:0.2rem 0}",
    ".mark{display:inline-block;width:1.4em;text-align:center;font-weight:700}",
    ".mark-passed{color:var(--verified)}.mark-failed{color:var(--not_verified)}",
    ".mark-indeterminate{color:var(--could_not_check)}.mark-not_applicable{color:var(--muted)}",
    ".outcome{color:var(--muted)}.detail{margin:0.15rem 0 0.4rem 1.9rem;font-size:0.85em;overflow-wrap:anywhere}",
    "a{color:var(--link)}a:focus-visible,summary:focus-visible{outline:3px solid var(--link);outline-offset:2px;border-radius:3px}",
    ".more{margin:0.7rem 0 0}.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}"
  ].join("\n");
  var sheet = null;

  function styles() {
    if (sheet === null) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
    }
    return sheet;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function icon(state) {
    var shape = ICONS[state] || ICONS.could_not_check;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var bg;
    if (shape[0] === "circle") {
      bg = document.createElementNS(SVG, "circle");
      bg.setAttribute("cx", "12");
      bg.setAttribute("cy", "12");
      bg.setAttribute("r", "11");
    } else {
      bg = document.createElementNS(SVG, "path");
      bg.setAttribute("d", "M12 1.5L23 21.5H1z");
    }
    bg.setAttribute("class", "icon-bg");
    var fg = document.createElementNS(SVG, "path");
    fg.setAttribute("d", shape[1]);
    fg.setAttribute("class", "icon-fg");
    svg.appendChild(bg);
    svg.appendChild(fg);
    return svg;
  }

  function fact(list, label, value, note) {
    if (!value) {
      return;
    }
    var row = el("div");
    row.appendChild(el("dt", "", label));
    var dd = el("dd", "", value);
    if (note) {
      dd.appendChild(document.createTextNode(" "));
      dd.appendChild(el("span", "note", "(" + note + ")"));
    }
    row.appendChild(dd);
    list.appendChild(row);
  }

  function language(host) {
    var tag = host.getAttribute("lang") || document.documentElement.lang || navigator.language || "en";
    return tag.slice(0, 35);
  }

  class LerVerification extends HTMLElement {
    static get observedAttributes() {
      return ["share", "lang"];
    }

    constructor() {
      super();
      this._root = this.attachShadow({mode: "open"});
      this._root.adoptedStyleSheets = [styles()];
      this._live = el("div");
      this._live.setAttribute("aria-live", "polite");
      this._root.appendChild(this._live);
      this._seq = 0;
    }

    connectedCallback() {
      this._load();
    }

    attributeChangedCallback(name, before, after) {
      if (this.isConnected && before !== after) {
        this._load();
      }
    }

    _message(kind, lang) {
      var words = FALLBACK[lang.slice(0, 2).toLowerCase()] || FALLBACK.en;
      var card = el("div", "card");
      card.appendChild(el("p", "headline", words[kind]));
      this._live.replaceChildren(card);
    }

    _load() {
      var seq = ++this._seq;
      var id = this.getAttribute("share") || "";
      var lang = language(this);
      if (!SHARE_ID.test(id) || !SERVICE) {
        this._message("missing", lang);
        return;
      }
      this._message("loading", lang);
      var url = SERVICE + "/v/" + encodeURIComponent(id) + ".json?lang=" + encodeURIComponent(lang);
      var self = this;
      fetch(url, {credentials: "omit", mode: "cors", referrerPolicy: "no-referrer", cache: "no-store"})
        .then(function (response) {
          if (response.status === 410 || response.status === 404) {
            return {missing: response.status === 410 ? "gone" : "missing"};
          }
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (view) {
          if (seq !== self._seq) {
            return;
          }
          if (view.missing) {
            self._message(view.missing, lang);
          } else {
            self._render(view);
          }
        })
        .catch(function () {
          if (seq === self._seq) {
            self._message("unavailable", lang);
          }
        });
    }

    _render(v) {
      var L = v.labels || {};
      var card = el("section", "card state-" + (ICONS[v.state] ? v.state : "could_not_check"));
      card.setAttribute("aria-label", L["label.verdict"] || "Verification result");
      card.setAttribute("lang", v.lang || "en");
      var verdict = el("p", "verdict");
      verdict.appendChild(icon(v.state));
      verdict.appendChild(el("span", "state-text", v.stateLabel));
      card.appendChild(verdict);
      card.appendChild(el("p", "headline", v.headline));
      var facts = el("dl");
      if (v.achievement) {
        fact(facts, L["label.achievement"], v.achievement.name);
      }
      var source = v.issuer && v.issuer.source === "registry" ? L["label.registry"] :
        v.issuer && v.issuer.source === "credential" ? L["label.self_asserted"] : null;
      fact(facts, L["label.issuer"], v.issuer && v.issuer.name, source);
      if (v.learnerName) {
        fact(facts, L["label.learner"], v.learnerName);
      }
      fact(facts, L["label.checked"], v.checkedAtText);
      card.appendChild(facts);
      if (v.alignments && v.alignments.length) {
        var skills = el("details");
        skills.appendChild(el("summary", "", L["label.skills"]));
        var skillList = el("ul");
        v.alignments.forEach(function (a) {
          skillList.appendChild(el("li", "", a.framework ? a.name + " (" + a.framework + ")" : a.name));
        });
        skills.appendChild(skillList);
        card.appendChild(skills);
      }
      var reasons = el("details");
      reasons.appendChild(el("summary", "", L["label.reasons"]));
      var list = el("ul");
      (v.checks || []).forEach(function (c) {
        var item = el("li");
        var mark = el("span", "mark mark-" + (MARKS[c.outcome] ? c.outcome : "indeterminate"), MARKS[c.outcome] || "?");
        mark.setAttribute("aria-hidden", "true");
        item.appendChild(mark);
        item.appendChild(el("span", "", c.title));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", "outcome", "(" + c.outcomeLabel + ")"));
        item.appendChild(el("div", "detail", c.detail));
        list.appendChild(item);
      });
      reasons.appendChild(list);
      card.appendChild(reasons);
      if (typeof v.url === "string" && v.url.indexOf(SERVICE + "/v/") === 0) {
        var more = el("p", "more");
        var link = el("a", "", L["label.open"]);
        link.href = v.url + "?lang=" + encodeURIComponent(v.lang || "en");
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.appendChild(el("span", "vh", " " + (L["label.opens_new"] || "")));
        more.appendChild(link);
        card.appendChild(more);
      }
      this._live.replaceChildren(card);
    }
  }

  window.customElements.define("ler-verification", LerVerification);
})();
