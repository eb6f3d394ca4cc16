// WCAG 2.x contrast of every text colour the mini-program sets, against every background it can
// sit on. Used by contrast.test.js; kept apart so a synthetic wxss can be fed to it.
//
// Rules of the check (conservative on purpose):
// - A rule that sets `color` is paired with its own background (background-color or the colour
//   of a `background` shorthand) when it sets one; otherwise with every ambient background:
//   the page background, white (cards, Vant cells), and every light background any of our wxss
//   files sets (tinted banners, grey blocks: luminance ≥ 0.8), since text without its own background may sit on any.
// - var(--x) resolves through every value any of our rules gives --x (a class-scoped mode may set
//   another), else through its fallback. Every candidate is tested.
// - A colour with alpha is blended over the background; a background with alpha over each
//   ambient background.
// - Selectors of disabled controls are exempt (WCAG 1.4.3: inactive UI components).

const fs = require('fs');
const path = require('path');

const MINIMUM = 4.5;
const LIGHT = 0.8;
const WHITE = { r: 255, g: 255, b: 255, a: 1 };

// CSS named colours a stylesheet here is likely to use; an unknown word fails the check.
const NAMED = {
  white: '#ffffff',
  black: '#000000',
  red: '#ff0000',
  green: '#008000',
  blue: '#0000ff',
  gray: '#808080',
  grey: '#808080',
  silver: '#c0c0c0',
  orange: '#ffa500',
  yellow: '#ffff00',
  navy: '#000080',
  maroon: '#800000',
  darkgray: '#a9a9a9',
  darkgrey: '#a9a9a9',
  lightgray: '#d3d3d3',
  lightgrey: '#d3d3d3',
  dimgray: '#696969',
  dimgrey: '#696969',
  whitesmoke: '#f5f5f5',
  darkred: '#8b0000',
  darkgreen: '#006400',
  darkblue: '#00008b',
  darkorange: '#ff8c00',
  transparent: 'rgba(0,0,0,0)',
};

// Values that set no colour of their own (the text keeps an ancestor's, checked there).
const INHERITED = new Set(['inherit', 'initial', 'unset', 'currentcolor', 'revert']);

/** Strip comments; parse into flat rules {selector, decls: [[prop, value]]}, descending into @media/@supports. */
function parseWxss(text) {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '');
  const rules = [];
  let i = 0;

  function parseBlock(end) {
    let prelude = '';
    while (i < end) {
      const ch = src[i];
      if (ch === '{') {
        const close = matching(i);
        const head = prelude.trim();
        i += 1;
        if (/^@(media|supports|document|layer)\b/i.test(head)) {
          parseBlock(close);
        } else if (!head.startsWith('@')) {
          rules.push({ selector: head.replace(/\s+/g, ' '), decls: parseDecls(src.slice(i, close)) });
        }
        // @keyframes, @font-face: no text colours to check.
        i = close + 1;
        prelude = '';
      } else if (ch === ';' && prelude.trim().startsWith('@')) {
        prelude = ''; // @import '...';
        i += 1;
      } else if (ch === '}') {
        i += 1; // stray brace
      } else {
        prelude += ch;
        i += 1;
      }
    }
  }

  function matching(open) {
    let depth = 0;
    for (let j = open; j < src.length; j += 1) {
      if (src[j] === '{') depth += 1;
      else if (src[j] === '}') {
        depth -= 1;
        if (depth === 0) return j;
      }
    }
    return src.length;
  }

  parseBlock(src.length);
  return rules;
}

function parseDecls(body) {
  const decls = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ';' && depth === 0) {
      pushDecl(decls, current);
      current = '';
    } else current += ch;
  }
  pushDecl(decls, current);
  return decls;
}

function pushDecl(decls, text) {
  const colon = text.indexOf(':');
  if (colon < 0) return;
  const prop = text.slice(0, colon).trim();
  const value = text
    .slice(colon + 1)
    .replace(/!important/i, '')
    .trim();
  if (prop && value) decls.push([prop.startsWith('--') ? prop : prop.toLowerCase(), value]);
}

/** A colour string → {r,g,b,a}, or null when it is not a colour. */
function parseColor(raw) {
  const text = raw.trim().toLowerCase();
  if (NAMED[text]) return parseColor(NAMED[text]);
  let m = text.match(/^#([0-9a-f]{3,8})$/);
  if (m) {
    let hex = m[1];
    if (hex.length === 3 || hex.length === 4) hex = [...hex].map((c) => c + c).join('');
    if (hex.length !== 6 && hex.length !== 8) return null;
    const n = (k) => parseInt(hex.slice(k, k + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: hex.length === 8 ? n(6) / 255 : 1 };
  }
  m = text.match(/^rgba?\(([^)]*)\)$/);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean);
    if (parts.length < 3) return null;
    const channel = (p) => (p.endsWith('%') ? (parseFloat(p) * 255) / 100 : parseFloat(p));
    const alpha = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
    const c = { r: channel(parts[0]), g: channel(parts[1]), b: channel(parts[2]), a: alpha };
    return [c.r, c.g, c.b, c.a].some(Number.isNaN) ? null : c;
  }
  m = text.match(/^hsla?\(([^)]*)\)$/);
  if (m) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean);
    const h = parseFloat(parts[0]) / 360;
    const s = parseFloat(parts[1]) / 100;
    const l = parseFloat(parts[2]) / 100;
    const a = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? parseFloat(parts[3]) / 100 : parseFloat(parts[3]);
    const f = (n) => {
      const k = (n + h * 12) % 12;
      return 255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
    };
    return { r: f(0), g: f(8), b: f(4), a };
  }
  return null;
}

function blend(fg, bg) {
  const a = fg.a;
  return {
    r: fg.r * a + bg.r * (1 - a),
    g: fg.g * a + bg.g * (1 - a),
    b: fg.b * a + bg.b * (1 - a),
    a: 1,
  };
}

function luminance(c) {
  const lin = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG 2.x contrast ratio of a text colour on an opaque background (text alpha blended). */
function contrast(text, background) {
  const bg = background.a < 1 ? blend(background, WHITE) : background;
  const fg = text.a < 1 ? blend(text, bg) : text;
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function hex(c) {
  const h = (v) => Math.round(v).toString(16).padStart(2, '0');
  return `#${h(c.r)}${h(c.g)}${h(c.b)}${c.a < 1 ? `@${+c.a.toFixed(2)}` : ''}`;
}

/** Split a value at its top-level commas / spaces. */
function splitTop(value, sep) {
  const out = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (depth === 0 && (sep === ',' ? ch === ',' : /\s/.test(ch))) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * Every colour a value may take: a list of {color} or {error}; [] when the value sets no colour
 * (inherit, currentColor). `vars` maps --name to the values our rules give it.
 */
function resolve(value, vars, seen = new Set()) {
  const text = value.trim();
  const lower = text.toLowerCase();
  if (INHERITED.has(lower)) return [];
  const m = text.match(/^var\(\s*(--[\w-]+)\s*(?:,([\s\S]*))?\)$/);
  if (m) {
    const [, name, fallback] = m;
    if (vars[name] && vars[name].length && !seen.has(name)) {
      const next = new Set(seen).add(name);
      return vars[name].flatMap((v) => resolve(v, vars, next));
    }
    if (fallback !== undefined) return resolve(fallback, vars, seen);
    return [{ error: `undefined variable ${name}` }];
  }
  const color = parseColor(text);
  return color ? [{ color }] : [{ error: `not a colour: ${text}` }];
}

/** The colour part of a `background` shorthand (or background-color): values, or null if none. */
function backgroundValues(decls) {
  let found = null;
  for (const [prop, value] of decls) {
    if (prop === 'background-color') found = [value];
    else if (prop === 'background') {
      const parts = splitTop(value, ' ').filter((p) => !/^(url|linear-gradient|radial-gradient)\(/i.test(p));
      const colours = parts.filter((p) => /^(#|rgb|hsl|var\()/i.test(p) || NAMED[p.toLowerCase()]);
      found = colours.length ? [colours[colours.length - 1]] : found;
    }
  }
  return found;
}

function lastValue(decls, prop) {
  let found = null;
  for (const [p, v] of decls) if (p === prop) found = v;
  return found;
}

/** Collect --name → [values] from every rule of every sheet. */
function collectVars(sheets) {
  const vars = {};
  for (const sheet of sheets)
    for (const rule of sheet.rules)
      for (const [prop, value] of rule.decls)
        if (prop.startsWith('--')) (vars[prop] = vars[prop] || []).push(value);
  return vars;
}

const DISABLED = /disabled/i;

/**
 * Check sheets [{file, rules}] and extra pairs [{where, text, background}] (values, may use var()).
 * `ambient` is the list of background values text without its own background may sit on.
 * Returns {pairs, failures: ["file:selector: text on bg = ratio"]}.
 */
function check({ sheets, ambient, extraPairs = [], minimum = MINIMUM }) {
  const vars = collectVars(sheets);
  const pairs = [];
  const failures = [];
  const ambientColours = ambient.flatMap((v) => resolve(v, vars));
  for (const a of ambientColours) if (a.error) failures.push(`ambient background: ${a.error}`);
  const opaqueAmbient = [
    ...new Map(ambientColours.filter((a) => a.color).map((a) => [hex(a.color), a.color])).values(),
  ];

  function test(where, textValue, bgValues) {
    const texts = resolve(textValue, vars);
    let bgs;
    if (bgValues) {
      bgs = bgValues.flatMap((v) => resolve(v, vars));
      if (!bgs.length) bgs = opaqueAmbient.map((color) => ({ color }));
    } else bgs = opaqueAmbient.map((color) => ({ color }));
    for (const t of texts) {
      if (t.error) {
        failures.push(`${where}: ${t.error}`);
        continue;
      }
      if (t.color.a === 0) continue; // transparent text hides on purpose: nothing to read
      // One line per text colour: its worst background.
      let worst = null;
      for (const b of bgs) {
        if (b.error) {
          failures.push(`${where}: ${b.error}`);
          continue;
        }
        const unders = b.color.a < 1 ? opaqueAmbient.map((under) => blend(b.color, under)) : [b.color];
        for (const under of unders) {
          const ratio = contrast(t.color, under);
          const pair = { where, text: hex(t.color), background: hex(under), ratio };
          pairs.push(pair);
          if (!worst || ratio < worst.ratio) worst = pair;
        }
      }
      if (worst && worst.ratio < minimum)
        failures.push(`${where}: ${worst.text} on ${worst.background} = ${worst.ratio.toFixed(2)}:1`);
    }
  }

  for (const sheet of sheets)
    for (const rule of sheet.rules) {
      const colour = lastValue(rule.decls, 'color');
      if (colour === null || DISABLED.test(rule.selector)) continue;
      test(`${sheet.file}:${rule.selector}`, colour, backgroundValues(rule.decls));
    }
  for (const pair of extraPairs) test(pair.where, pair.text, pair.background ? [pair.background] : null);
  return { pairs, failures, vars };
}

/** Our wxss files: app.wxss, pages/**, components/** (not node_modules / miniprogram_npm). */
function ourWxssFiles(root) {
  const files = [path.join(root, 'app.wxss')];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.wxss')) files.push(full);
    }
  };
  walk(path.join(root, 'pages'));
  walk(path.join(root, 'components'));
  return files;
}

/**
 * Light backgrounds (relative luminance ≥ 0.8: tints and greys text sits on, not the bars and dots
 * drawn in mid-tones) any of our rules set: text without a background of its own may sit on any.
 */
function lightBackgrounds(sheets) {
  const vars = collectVars(sheets);
  const found = new Set();
  for (const sheet of sheets)
    for (const rule of sheet.rules) {
      const values = backgroundValues(rule.decls);
      if (!values) continue;
      for (const r of values.flatMap((v) => resolve(v, vars)))
        if (r.color && r.color.a === 1 && luminance(r.color) >= LIGHT) found.add(hex(r.color));
    }
  return [...found].sort();
}

module.exports = {
  MINIMUM,
  parseWxss,
  parseColor,
  contrast,
  resolve,
  check,
  ourWxssFiles,
  lightBackgrounds,
  hex,
};
