/* Every Call: the questions of a SCORM package, answered and marked in the page, reported to
 * the learning platform through the SCORM 1.2 run-time API.
 *
 * The marking data comes from the exercise definitions (toolkit/exercises/web.py) in the
 * page's <script type="application/json" id="everycall-exercises">; the headlines below are
 * the words of toolkit/exercises/marking.py and the feedback block is feedback_html() of
 * toolkit/exercises/html.py (tests/browser/test_scorm.py holds the two to the same output).
 * Feedback and hints arrive as HTML the build escaped; text made here is escaped here.
 *
 * No LMS (the file opened on its own): the questions still work, and a banner says nothing is
 * recorded. No network: nothing here fetches anything.
 */
(function () {
  "use strict";

  /* The two run-time APIs a package can be built for: the build says which in
   * <meta name="everycall-package">, since a platform may offer both. */
  var DIALECTS = {
    "1.2": {
      api: "API",
      initialize: "LMSInitialize",
      finish: "LMSFinish",
      get: "LMSGetValue",
      set: "LMSSetValue",
      commit: "LMSCommit",
      lastError: "LMSGetLastError",
      errorText: "LMSGetErrorString",
      suspendLimit: 4096, // cmi.suspend_data is CMIString4096
      responseLimit: 255, // cmi.interactions.n.student_response is CMIFeedback
      mode: "cmi.core.lesson_mode",
      response: "student_response",
      wrong: "wrong",
      list: ",",
    },
    "2004": {
      api: "API_1484_11",
      initialize: "Initialize",
      finish: "Terminate",
      get: "GetValue",
      set: "SetValue",
      commit: "Commit",
      lastError: "GetLastError",
      errorText: "GetErrorString",
      suspendLimit: 64000, // cmi.suspend_data: characterstring (SPM 64000)
      responseLimit: 250, // a fill-in response is a localized string (SPM 250)
      mode: "cmi.mode",
      response: "learner_response",
      wrong: "incorrect",
      list: "[,]",
    },
  };
  var PACKAGE = document.querySelector('meta[name="everycall-package"]');
  var VERSION = PACKAGE && PACKAGE.getAttribute("content") === "scorm-2004" ? "2004" : "1.2";
  var D = DIALECTS[VERSION];

  // -- numbers, as toolkit.exercises.marking reads and writes them ---------------------------

  var NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?$/;
  var PER_CENT = /\s*(?:%|per\s*cent|percent)$/i;
  var MINUS = /[\u2212\u2013\ufe63\uff0d]/g;
  var TOO_LARGE = "That number is too large to check.";
  var NOT_A_NUMBER = "Type a number, such as 12.";

  function numberText(text) {
    var clean = text.trim().replace(MINUS, "-").replace(PER_CENT, "").trim();
    if (!NUMBER.test(clean) || !/\d/.test(clean)) return null;
    return clean.replace(/,/g, "");
  }

  function parseNumber(text) {
    if (typeof text !== "string") return null;
    var clean = numberText(text);
    if (clean === null) return null;
    var value = Number(clean);
    return isFinite(value) ? value : null;
  }

  function numberProblem(text) {
    if (text === null || text === undefined || !String(text).trim()) return null;
    if (parseNumber(text) !== null) return null;
    return numberText(String(text)) !== null ? TOO_LARGE : NOT_A_NUMBER;
  }

  /* ``value`` to ``sig`` significant digits, rounded as Python rounds: on the exact binary
   * value, a tie to the even digit (JavaScript's toFixed and toExponential round a tie up).
   * Returns the digits and the decimal exponent of the first. */
  function roundSignificant(value, sig) {
    var exact = Math.abs(value).toExponential(Math.min(100, sig + 40)).split("e");
    var digits = exact[0].replace(".", "");
    var exp = Number(exact[1]);
    var keep = digits.slice(0, sig);
    var rest = digits.slice(sig);
    var last = Number(keep.charAt(keep.length - 1));
    var up = rest.charAt(0) > "5" || (rest.charAt(0) === "5" && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
    if (up) {
      var carried = (BigInt(keep) + 1n).toString();
      if (carried.length > sig) {
        carried = carried.slice(0, sig);
        exp += 1;
      }
      keep = carried;
    }
    return { digits: keep, exp: exp };
  }

  // Python's f"{value:g}": six significant digits, an exponent below 1e-4 and from 1e6.
  function formatG(value) {
    if (value === 0) return "0";
    var r = roundSignificant(value, 6);
    var sign = value < 0 ? "-" : "";
    var strip = function (s) {
      return s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
    };
    if (r.exp < -4 || r.exp >= 6) {
      var mantissa = strip(r.digits.charAt(0) + "." + r.digits.slice(1));
      var e = Math.abs(r.exp);
      return sign + mantissa + "e" + (r.exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    if (r.exp < 0) return sign + strip("0." + "0".repeat(-r.exp - 1) + r.digits);
    return sign + strip(r.digits.slice(0, r.exp + 1) + "." + r.digits.slice(r.exp + 1));
  }

  /* A number as a plain decimal (the shortest digits that give it back, no exponent), for
   * the platform's numeric fields: as toolkit.exercises.plain_number writes it. */
  function plainDecimal(value) {
    if (Number.isInteger(value)) return BigInt(value).toString();
    var text = String(Math.abs(value));
    var sign = value < 0 ? "-" : "";
    if (text.indexOf("e") < 0) return sign + text;
    var parts = text.split("e");
    var digits = parts[0].replace(".", "");
    var point = (parts[0].indexOf(".") < 0 ? parts[0].length : parts[0].indexOf(".")) + Number(parts[1]);
    if (point <= 0) return sign + "0." + "0".repeat(-point) + digits;
    return sign + digits.slice(0, point) + (point < digits.length ? "." + digits.slice(point) : "");
  }

  function num(value) {
    // str(int(value)) in Python: every digit of a whole number, however large
    return Number.isInteger(value) ? BigInt(value).toString() : formatG(value);
  }

  // html.escape(text) in Python: & < > " ' all escaped.
  function esc(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#x27;");
  }

  // -- marking: toolkit.exercises.marking.mark, for the data the page holds -----------------

  var ASK = {
    single_choice: "Choose an option, then press Check.",
    multiple_choice: "Choose one or more options, then press Check.",
    numeric: "Type a number, then press Check.",
    free_text: "Write your answer, then press Submit.",
    ordering: "Put the items in order, then press Check.",
    confidence: "Choose a point on the scale.",
  };

  function result(correct, feedback, details, answered) {
    return {
      correct: correct,
      feedback: feedback,
      details: details || [],
      answered: answered !== false,
    };
  }

  function isBlank(response) {
    return (
      response === null ||
      response === undefined ||
      (typeof response === "string" && !response.trim()) ||
      (Array.isArray(response) && response.length === 0)
    );
  }

  /* response: single_choice and confidence an option index; multiple_choice a list of option
   * indices; numeric and free_text the typed text; ordering the items' first-shown positions
   * in the learner's order. */
  function mark(ex, response) {
    if (ex.type === "numeric") {
      var problem = numberProblem(response);
      if (problem) return result(null, problem, [], false);
    }
    if (isBlank(response)) return result(null, ASK[ex.type], [], false);
    if (ex.type === "single_choice") {
      var option = ex.options[response];
      return result(
        option.correct,
        option.correct ? "Correct." : "Not quite.",
        option.feedback ? [option.feedback] : []
      );
    }
    if (ex.type === "multiple_choice") {
      var chosen = ex.options.filter(function (_o, i) {
        return response.indexOf(i) >= 0;
      });
      var right = chosen.filter(function (o) {
        return o.correct;
      }).length;
      var wrong = chosen.length - right;
      var total = ex.options.filter(function (o) {
        return o.correct;
      }).length;
      var missed = total - right;
      var details = chosen
        .filter(function (o) {
          return o.detail;
        })
        .map(function (o) {
          return o.detail;
        });
      if (!wrong && !missed) return result(true, "Correct: you found every right answer.", details);
      var headline = "Not quite. You chose " + right + " of the " + total + " right answers";
      if (wrong) headline += " and " + wrong + " that " + (wrong === 1 ? "is" : "are") + " not right";
      headline += ".";
      if (missed) {
        details.push(
          "<p>There " + (missed === 1 ? "is" : "are") + " " + missed + " more to find.</p>"
        );
      }
      return result(false, headline, details);
    }
    if (ex.type === "numeric") {
      var value = parseNumber(response);
      var unit = ex.unit ? " " + ex.unit : "";
      var fb = function (key) {
        return ex.feedback[key] ? [ex.feedback[key]] : [];
      };
      if (Math.abs(value - ex.answer) <= ex.tolerance + 1e-9) return result(true, "Correct.", fb("correct"));
      var side = value < ex.answer ? "low" : "high";
      return result(false, "Not quite: " + num(value) + unit + " is too " + side + ".", fb(side));
    }
    if (ex.type === "free_text") {
      // JupyterLab shows a model answer here; the package never holds one.
      return result(null, "Saved.", []);
    }
    if (ex.type === "ordering") {
      var placed = 0;
      for (var i = 0; i < ex.order.length; i++) if (response[i] === ex.order[i]) placed++;
      var ofb = function (key) {
        return ex.feedback[key] ? [ex.feedback[key]] : [];
      };
      if (placed === ex.order.length) {
        return result(true, "Correct: that is the right order.", ofb("correct"));
      }
      return result(
        false,
        "Not quite: " + placed + " of " + ex.order.length + " are in the right place.",
        ofb("incorrect")
      );
    }
    return result(null, "Saved: " + ex.scale[response] + ". There is no right or wrong answer here.");
  }

  // toolkit.exercises.html.feedback_html: icon and words, not colour alone.
  function feedbackHtml(res) {
    var kind, icon;
    if (!res.answered) {
      kind = "prompt";
      icon = "\u2139";
    } else if (res.correct === true) {
      kind = "correct";
      icon = "\u2713";
    } else if (res.correct === false) {
      kind = "incorrect";
      icon = "\u2717";
    } else {
      kind = "saved";
      icon = "\u2713";
    }
    var colour = { correct: "#1b5e20", incorrect: "#8a4b00" }[kind] || "#1f3a5f";
    var details = res.details
      .map(function (d) {
        return "<div>" + d + "</div>";
      })
      .join("");
    return (
      '<div class="everycall-result everycall-' + kind + '" ' +
      'style="border-left:4px solid ' + colour + ';padding:0.2em 0.8em;margin:0.3em 0">' +
      '<strong style="color:' + colour + '"><span aria-hidden="true">' + icon + "</span> " +
      esc(res.feedback) + "</strong>" + details + "</div>"
    );
  }

  // -- the SCORM 1.2 run-time API ----------------------------------------------------------

  function findAPI(win) {
    // The run-time environment's API discovery: up the frames, then the opener's.
    for (var tries = 0; win && tries < 10; tries++) {
      try {
        var api = win[D.api];
        if (api && typeof api[D.initialize] === "function") return api;
      } catch (e) {
        /* another origin's window: keep looking */
      }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
    }
    return null;
  }

  function Platform() {
    var api = findAPI(window);
    if (!api && window.opener) api = findAPI(window.opener);
    this.api = api;
    this.ok = false;
    this.finished = false;
    this.problem = null;
    this.started = Date.now();
    if (!api) return;
    var started;
    try {
      started = String(api[D.initialize]("")) === "true";
    } catch (e) {
      started = false;
    }
    if (!started) {
      this.problem = "The learning platform did not start recording (" + this.lastError() + ").";
      return;
    }
    this.ok = true;
    // A platform shows a learner's finished attempt in "review" (or a preview in "browse"):
    // the answers come back, and nothing is recorded.
    var mode = this.get(D.mode);
    this.reviewing = mode === "review" || mode === "browse";
  }

  Platform.prototype.recording = function () {
    return this.ok && !this.reviewing && !this.finished;
  };

  Platform.prototype.lastError = function () {
    try {
      var code = this.api[D.lastError]();
      return "error " + code + ": " + this.api[D.errorText](code);
    } catch (e) {
      return "no error code";
    }
  };

  Platform.prototype.get = function (name) {
    if (!this.ok) return "";
    try {
      return String(this.api[D.get](name));
    } catch (e) {
      return "";
    }
  };

  Platform.prototype.set = function (name, value) {
    if (!this.ok) return false;
    var done;
    try {
      done = String(this.api[D.set](name, String(value))) === "true";
    } catch (e) {
      done = false;
    }
    if (!done) this.problem = "The learning platform refused " + name + " (" + this.lastError() + ").";
    return done;
  };

  Platform.prototype.commit = function () {
    if (!this.ok) return false;
    var done;
    try {
      done = String(this.api[D.commit]("")) === "true";
    } catch (e) {
      done = false;
    }
    if (!done) {
      this.problem =
        "The learning platform did not save your latest answers (" + this.lastError() + "). " +
        "Keep this page open and try again, or tell your trainer.";
    }
    return done;
  };

  function twoDigits(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* Leaving always says "suspend", finished or not: a platform then keeps the attempt and
   * its answers for the next visit. A normal exit ends the attempt, and a platform that
   * follows the standard to the letter starts the next visit empty, as if the notebook had
   * never been done. */
  Platform.prototype.finish = function () {
    if (!this.ok || this.finished) return;
    this.finished = true; // the banner says so (Course.updateBanner) if the page stays
    if (this.reviewing) {
      try {
        this.api[D.finish]("");
      } catch (e) {
        /* the platform is going away too */
      }
      return;
    }
    var seconds = Math.max(0, Math.round((Date.now() - this.started) / 1000));
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor(seconds / 60) % 60;
    if (VERSION === "2004") {
      // timeinterval: an ISO 8601 duration
      this.set("cmi.session_time", "PT" + hours + "H" + minutes + "M" + (seconds % 60) + "S");
      this.set("cmi.exit", "suspend");
    } else {
      // CMITimespan: HHHH:MM:SS
      var span =
        (hours < 1000 ? ("000" + hours).slice(-4) : String(hours)) + ":" +
        twoDigits(minutes) + ":" + twoDigits(seconds % 60);
      this.set("cmi.core.session_time", span);
      this.set("cmi.core.exit", "suspend");
    }
    this.commit();
    try {
      this.api[D.finish]("");
    } catch (e) {
      /* the platform is going away too */
    }
  };

  // -- the page ---------------------------------------------------------------------------

  var LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

  function clockTime() {
    var now = new Date();
    var time = twoDigits(now.getHours()) + ":" + twoDigits(now.getMinutes()) + ":" + twoDigits(now.getSeconds());
    if (VERSION === "1.2") return time; // CMITime
    // SCORM 2004 timestamp: the date too
    return now.getFullYear() + "-" + twoDigits(now.getMonth() + 1) + "-" + twoDigits(now.getDate()) + "T" + time;
  }

  // Typed text as one line a platform's data model takes (the whole answer stays in the
  // suspend data): no line breaks, no list separator, and never read as a language tag.
  function oneLine(text, limit) {
    var line = String(text).replace(/\s+/g, " ").trim().split("[,]").join(", ");
    return line.replace(/^\{/, "(").slice(0, limit);
  }

  function Course(data, platform) {
    this.data = data; // {id: marking data}
    this.platform = platform;
    this.state = {}; // id -> [response, checks]
    this.questions = {};
    this.truncated = [];
    this.changed = [];
  }

  Course.prototype.responseOf = function (q) {
    var ex = q.ex;
    var el = q.el;
    if (ex.type === "single_choice" || ex.type === "confidence") {
      var picked = el.querySelector(".everycall-control input:checked");
      return picked ? Number(picked.value) : null;
    }
    if (ex.type === "multiple_choice") {
      return Array.prototype.map.call(el.querySelectorAll(".everycall-control input:checked"), function (b) {
        return Number(b.value);
      });
    }
    if (ex.type === "numeric" || ex.type === "free_text") {
      return el.querySelector(".everycall-control input, .everycall-control textarea").value;
    }
    return Array.prototype.map.call(el.querySelectorAll(".everycall-order li"), function (li) {
      return Number(li.getAttribute("data-item"));
    });
  };

  Course.prototype.show = function (q, response) {
    var ex = q.ex;
    var el = q.el;
    if (ex.type === "single_choice" || ex.type === "confidence" || ex.type === "multiple_choice") {
      Array.prototype.forEach.call(el.querySelectorAll(".everycall-control input"), function (b) {
        var v = Number(b.value);
        b.checked = Array.isArray(response) ? response.indexOf(v) >= 0 : response === v;
      });
    } else if (ex.type === "numeric" || ex.type === "free_text") {
      el.querySelector(".everycall-control input, .everycall-control textarea").value = response || "";
    } else if (Array.isArray(response)) {
      var list = el.querySelector(".everycall-order");
      var items = {};
      Array.prototype.forEach.call(list.children, function (li) {
        items[li.getAttribute("data-item")] = li;
      });
      response.forEach(function (k) {
        if (items[k]) list.appendChild(items[k]);
      });
    }
  };

  Course.prototype.attemptsText = function (q) {
    var entry = this.state[q.ex.id];
    var n = entry ? entry[1] : 0;
    if (!n || q.ex.type === "confidence") return "";
    return q.ex.type === "free_text" ? "Submitted" : "Attempts: " + n;
  };

  Course.prototype.showFeedback = function (q, res) {
    var box = q.el.querySelector(".everycall-feedback");
    // emptied first, so the same words said again are announced again
    box.innerHTML = "";
    window.setTimeout(function () {
      box.innerHTML = feedbackHtml(res);
    }, 50);
    q.el.querySelector(".everycall-attempts").textContent = this.attemptsText(q);
  };

  Course.prototype.check = function (q) {
    var response = this.responseOf(q);
    var res = mark(q.ex, response);
    if (res.answered) {
      var entry = this.state[q.ex.id] || [null, 0];
      this.state[q.ex.id] = [response, entry[1] + 1, q.ex.fp];
      this.record(q, response, res);
    }
    this.showFeedback(q, res);
    return res;
  };

  // A confidence rating: shown at once, recorded once the learner settles (flushRating).
  Course.prototype.rate = function (q) {
    var self = this;
    var response = this.responseOf(q);
    this.showFeedback(q, mark(q.ex, response));
    q.pending = response;
    window.clearTimeout(q.rateTimer);
    q.rateTimer = window.setTimeout(function () {
      self.flushRating(q);
    }, 1000);
  };

  Course.prototype.flushRating = function (q) {
    window.clearTimeout(q.rateTimer);
    if (q.pending === undefined || q.pending === null) return;
    var response = q.pending;
    q.pending = undefined;
    var entry = this.state[q.ex.id] || [null, 0];
    this.state[q.ex.id] = [response, entry[1] + 1, q.ex.fp];
    this.record(q, response, mark(q.ex, response));
  };

  Course.prototype.flushRatings = function () {
    var self = this;
    Object.keys(this.questions).forEach(function (id) {
      self.flushRating(self.questions[id]);
    });
  };

  Course.prototype.draft = function (q) {
    // free text is kept as it is typed (not reported as an answer until Submit)
    var entry = this.state[q.ex.id] || [null, 0];
    this.state[q.ex.id] = [this.responseOf(q), entry[1], q.ex.fp];
    this.scheduleSave();
  };

  Course.prototype.scheduleSave = function () {
    var self = this;
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(function () {
      self.platform.problem = null; // said again if this save fails too
      self.save();
    }, 1500);
  };

  function letterList(indices) {
    return indices
      .map(function (i) {
        return LETTERS.charAt(i);
      })
      .join(D.list);
  }

  Course.prototype.learnerResponse = function (ex, response) {
    if (ex.type === "single_choice") return LETTERS.charAt(response);
    if (ex.type === "confidence") return String(response + 1);
    if (ex.type === "multiple_choice" || ex.type === "ordering") return letterList(response);
    if (ex.type === "numeric") return plainDecimal(parseNumber(response));
    return oneLine(response, D.responseLimit);
  };

  Course.prototype.correctPattern = function (ex) {
    if (ex.type === "single_choice" || ex.type === "multiple_choice") {
      var right = [];
      ex.options.forEach(function (o, i) {
        if (o.correct) right.push(i);
      });
      return letterList(right);
    }
    if (ex.type === "numeric") {
      if (VERSION === "1.2") return plainDecimal(ex.answer);
      // SCORM 2004: the range the tolerance allows, as the build wrote its two ends
      return ex.range[0] + "[:]" + ex.range[1];
    }
    if (ex.type === "ordering") return letterList(ex.order);
    return null;
  };

  var INTERACTION_TYPE = {
    single_choice: "choice",
    multiple_choice: "choice",
    numeric: "numeric",
    free_text: "fill-in",
    ordering: "sequencing",
    confidence: "likert",
  };

  // A number as SCORM 2004 platforms check it (Moodle: at most 5 whole digits and 18 after
  // the point); one that does not fit goes to the platform as an "other" interaction.
  var DECIMAL_2004 = /^-?[0-9]{1,5}(\.[0-9]{1,18})?$/;

  Course.prototype.interactionType = function (ex, response) {
    if (ex.type === "numeric" && VERSION === "2004") {
      var fits = [this.learnerResponse(ex, response)].concat(ex.range).every(function (n) {
        return DECIMAL_2004.test(n);
      });
      if (!fits) return "other";
    }
    return INTERACTION_TYPE[ex.type];
  };

  Course.prototype.record = function (q, response, res) {
    var p = this.platform;
    p.problem = null; // a new answer: any refusal is said again below
    if (p.recording()) {
      // one record per check: the platform keeps every attempt (SCORM 1.2 interactions are
      // write-only, so a record is added, never overwritten)
      var n = Number(p.get("cmi.interactions._count")) || 0;
      var base = "cmi.interactions." + n + ".";
      var ex = q.ex;
      p.set(base + "id", ex.id);
      var type = this.interactionType(ex, response);
      p.set(base + "type", type);
      p.set(base + (VERSION === "1.2" ? "time" : "timestamp"), clockTime());
      if (VERSION === "2004") {
        var prompt = q.el.querySelector(".everycall-prompt");
        p.set(base + "description", oneLine(prompt ? prompt.textContent : ex.id, 250));
      }
      var pattern = type === "other" ? null : this.correctPattern(ex);
      if (pattern !== null) p.set(base + "correct_responses.0.pattern", pattern);
      p.set(base + D.response, this.learnerResponse(ex, response));
      p.set(base + "result", res.correct === true ? "correct" : res.correct === false ? D.wrong : "neutral");
    }
    this.save();
  };

  Course.prototype.progress = function () {
    var ids = Object.keys(this.questions);
    var self = this;
    var answered = ids.filter(function (id) {
      return self.state[id] && self.state[id][1] > 0;
    });
    var scored = ids.filter(function (id) {
      return self.questions[id].ex.scored;
    });
    var right = scored.filter(function (id) {
      var entry = self.state[id];
      return entry && entry[1] > 0 && mark(self.questions[id].ex, entry[0]).correct === true;
    });
    return {
      questions: ids.length,
      answered: answered.length,
      scored: scored.length,
      right: right.length,
      score: scored.length ? Math.round((100 * right.length) / scored.length) : null,
      complete: answered.length === ids.length,
    };
  };

  Course.prototype.suspendData = function () {
    var state = JSON.parse(JSON.stringify(this.state));
    var text = JSON.stringify({ v: 1, a: state });
    this.truncated = [];
    // Too long for the platform: shorten the longest typed answers, a part at a time.
    while (text.length > D.suspendLimit) {
      var longest = null;
      Object.keys(state).forEach(function (id) {
        var r = state[id][0];
        if (typeof r === "string" && (!longest || r.length > state[longest][0].length)) longest = id;
      });
      if (!longest || !state[longest][0].length) break;
      var r = state[longest][0];
      state[longest][0] = r.slice(0, Math.max(0, r.length - (text.length - D.suspendLimit) - 16));
      if (this.truncated.indexOf(longest) < 0) this.truncated.push(longest);
      text = JSON.stringify({ v: 1, a: state });
    }
    return text;
  };

  Course.prototype.save = function () {
    var p = this.platform;
    var progress = this.progress();
    this.updateBanner(progress);
    if (!p.recording()) return;
    p.set("cmi.suspend_data", this.suspendData());
    var score = VERSION === "1.2" ? "cmi.core.score." : "cmi.score.";
    // The score is reported once every question is answered: a platform that has a mastery
    // score turns any reported score into passed or failed when the learner leaves (Moodle
    // does), which would fail a learner who has answered one question of four.
    if (progress.score !== null && progress.complete) {
      p.set(score + "min", "0");
      p.set(score + "max", "100");
      p.set(score + "raw", String(progress.score));
      if (VERSION === "2004") p.set(score + "scaled", String(progress.score / 100));
    }
    var status = this.status(progress);
    if (VERSION === "1.2") {
      p.set("cmi.core.lesson_status", status);
    } else {
      p.set("cmi.completion_status", progress.complete ? "completed" : "incomplete");
      p.set("cmi.success_status", status === "passed" || status === "failed" ? status : "unknown");
    }
    p.commit();
    this.updateBanner(progress);
  };

  Course.prototype.status = function (progress) {
    if (!progress.complete) return "incomplete";
    // SCORM 1.2: a mastery score from 0 to 100; SCORM 2004: a scaled passing score, -1 to 1
    var mastery =
      VERSION === "1.2"
        ? this.platform.get("cmi.student_data.mastery_score")
        : this.platform.get("cmi.scaled_passing_score");
    if (mastery !== "" && !isNaN(Number(mastery)) && progress.score !== null) {
      var score = VERSION === "1.2" ? progress.score : progress.score / 100;
      return score >= Number(mastery) ? "passed" : "failed";
    }
    return "completed";
  };

  function isIndex(value, size) {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < size;
  }

  // Whether a saved response is one this question can have (saved data is never trusted).
  function validResponse(ex, response) {
    if (response === null) return true;
    if (ex.type === "single_choice") return isIndex(response, ex.options.length);
    if (ex.type === "confidence") return isIndex(response, ex.scale.length);
    if (ex.type === "numeric" || ex.type === "free_text") return typeof response === "string";
    if (!Array.isArray(response)) return false;
    var size = ex.type === "multiple_choice" ? ex.options.length : ex.order.length;
    var seen = {};
    for (var i = 0; i < response.length; i++) {
      if (!isIndex(response[i], size) || seen[response[i]]) return false;
      seen[response[i]] = true;
    }
    return ex.type === "multiple_choice" || response.length === size;
  }

  Course.prototype.restore = function () {
    var p = this.platform;
    if (!p.ok) return;
    var text = p.get("cmi.suspend_data");
    if (!text) return;
    var saved;
    try {
      saved = JSON.parse(text);
    } catch (e) {
      saved = null;
    }
    if (!saved || saved.v !== 1 || !saved.a || typeof saved.a !== "object" || Array.isArray(saved.a)) {
      this.restoreProblem = "Your earlier answers could not be read back from the learning platform; you can answer again.";
      return;
    }
    var self = this;
    Object.keys(saved.a).forEach(function (id) {
      var q = self.questions[id];
      var entry = saved.a[id];
      if (!q || !Array.isArray(entry) || entry.length !== 3) return;
      var checked = Number(entry[1]) > 0;
      if (entry[2] !== q.ex.fp || !validResponse(q.ex, entry[0]) || (checked && entry[0] === null)) {
        self.changed.push(id); // the question changed since (or the answer is not one of it)
        return;
      }
      try {
        var response = entry[0];
        var res = mark(q.ex, response);
        self.state[id] = [response, Math.max(0, Math.floor(Number(entry[1]))) || 0, q.ex.fp];
        self.show(q, response);
        if (self.state[id][1] > 0) {
          q.el.querySelector(".everycall-feedback").innerHTML = feedbackHtml(res);
          q.el.querySelector(".everycall-attempts").textContent = self.attemptsText(q);
        }
      } catch (e) {
        /* a question changed since: leave it unanswered */
      }
    });
  };

  Course.prototype.updateBanner = function (progress) {
    var banner = document.getElementById("everycall-scorm-banner");
    if (!banner) return;
    var p = this.platform;
    var lines = [];
    var kind;
    if (!p.api) {
      kind = "offline";
      lines.push(
        "<strong>Not recorded.</strong> This copy is not connected to a learning platform: " +
          "your answers are checked here but nothing is recorded or kept when you close it. " +
          "Open the course from your learning platform to have your answers recorded."
      );
    } else if (p.ok && p.reviewing) {
      kind = "offline";
      lines.push(
        "<strong>Review.</strong> The learning platform is showing this attempt for review: " +
          "your answers can be checked, and nothing new is recorded."
      );
    } else if (!p.ok || p.problem) {
      kind = "problem";
      lines.push("<strong>Recording problem.</strong> " + esc(p.problem || "The learning platform is not recording."));
    } else {
      kind = "recorded";
      lines.push(
        "<strong>Recorded.</strong> Your answers are recorded by your learning platform and kept " +
          "for when you come back."
      );
    }
    if (progress) {
      var text = "Answered " + progress.answered + " of " + progress.questions + " questions";
      if (progress.scored) text += "; " + progress.right + " of " + progress.scored + " marked questions right";
      lines.push(esc(text) + ".");
    }
    if (this.restoreProblem) lines.push(esc(this.restoreProblem));
    if (this.changed.length) {
      lines.push(
        "Your earlier answer to " + esc(this.changed.join(", ")) + " was left out: the question " +
          "has changed since. Please answer it again."
      );
    }
    if (p.finished && !p.reviewing && p.ok) {
      lines.push("This page has stopped recording. Open the course again from your learning platform to go on.");
    }
    if (this.truncated.length) {
      lines.push(
        "Your answer to " + esc(this.truncated.join(", ")) + " is longer than the platform can keep: " +
          "its start is kept for when you come back."
      );
    }
    banner.className = "everycall-scorm-banner everycall-scorm-" + kind;
    banner.innerHTML = lines.map(function (l) {
      return "<p>" + l + "</p>";
    }).join("");
  };

  Course.prototype.wire = function (q) {
    var self = this;
    var el = q.el;
    var check = el.querySelector(".everycall-check");
    if (check) {
      check.addEventListener("click", function () {
        self.check(q);
      });
    }
    if (q.ex.type === "confidence") {
      Array.prototype.forEach.call(el.querySelectorAll(".everycall-control input"), function (b) {
        b.addEventListener("change", function () {
          self.rate(q);
        });
      });
      // moving through the scale with the arrow keys chooses each point on the way: the
      // rating is recorded when the learner leaves the scale, or stops for a second
      el.querySelector(".everycall-control").addEventListener("focusout", function (event) {
        if (!event.currentTarget.contains(event.relatedTarget)) self.flushRating(q);
      });
    }
    if (q.ex.type === "free_text") {
      el.querySelector("textarea").addEventListener("input", function () {
        self.draft(q);
      });
    }
    if (q.ex.type === "numeric") {
      el.querySelector("input").addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          self.check(q);
        }
      });
    }
    var hintButton = el.querySelector(".everycall-hint-button");
    if (hintButton) {
      hintButton.addEventListener("click", function () {
        var box = el.querySelector(".everycall-hint");
        var open = hintButton.getAttribute("aria-expanded") === "true";
        box.innerHTML = open ? "" : el.querySelector("template.everycall-hint-text").innerHTML;
        hintButton.setAttribute("aria-expanded", open ? "false" : "true");
        hintButton.textContent = open ? "Show hint" : "Hide hint";
      });
    }
    el.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".everycall-up, .everycall-down");
      if (!button) return;
      var li = button.closest("li");
      var list = li.parentNode;
      var up = button.classList.contains("everycall-up");
      var other = up ? li.previousElementSibling : li.nextElementSibling;
      var say = el.querySelector(".everycall-order-status");
      var name = li.querySelector(".everycall-item").textContent;
      if (!other) {
        say.textContent = name + " is already " + (up ? "first" : "last") + ".";
        return;
      }
      list.insertBefore(li, up ? other : other.nextElementSibling);
      button.focus(); // the item moved; keep the learner on the same button
      var position = Array.prototype.indexOf.call(list.children, li) + 1;
      say.textContent = name + ": now " + position + " of " + list.children.length + ".";
    });
  };

  function start() {
    var source = document.getElementById("everycall-exercises");
    var data = source ? JSON.parse(source.textContent) : {};
    var platform = new Platform();
    var course = new Course(data, platform);
    Array.prototype.forEach.call(document.querySelectorAll("section.everycall-web[data-exercise]"), function (el) {
      var id = el.getAttribute("data-exercise");
      if (!data[id]) return;
      var q = { ex: data[id], el: el };
      course.questions[id] = q;
      if (q.ex.type === "ordering") {
        var say = document.createElement("p");
        say.className = "everycall-order-status everycall-sr";
        say.setAttribute("aria-live", "polite");
        el.querySelector(".everycall-control").appendChild(say);
      }
      course.wire(q);
    });
    course.restore();
    if (platform.recording()) {
      var statusName = VERSION === "1.2" ? "cmi.core.lesson_status" : "cmi.completion_status";
      var status = platform.get(statusName);
      if (status === "" || status === "not attempted" || status === "unknown") {
        platform.set(statusName, "incomplete");
      }
      platform.commit();
    }
    course.updateBanner(course.progress());
    var leave = function () {
      window.clearTimeout(course.saveTimer);
      course.flushRatings();
      if (platform.recording()) course.save();
      platform.finish();
      course.updateBanner(course.progress());
    };
    window.addEventListener("pagehide", leave);
    window.addEventListener("beforeunload", leave);
    window.EveryCallScorm = {
      mark: mark,
      feedbackHtml: feedbackHtml,
      parseNumber: parseNumber,
      numberProblem: numberProblem,
      num: num,
      plainDecimal: plainDecimal,
      validResponse: validResponse,
      version: VERSION,
      course: course,
      platform: platform,
      leave: leave,
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
