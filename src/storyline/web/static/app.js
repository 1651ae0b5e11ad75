// storyline: the article page marks the whole evidence of the event named in the URL's hash
// (#ev-<event id>) and of the event card under the pointer. No dependencies.
(function () {
  "use strict";

  function marksOf(eventId) {
    return Array.prototype.filter.call(document.querySelectorAll("mark.evidence"), function (m) {
      return (m.getAttribute("data-events") || "").split(" ").indexOf(eventId) >= 0;
    });
  }

  function setClass(nodes, name, on) {
    nodes.forEach(function (n) { n.classList.toggle(name, on); });
  }

  function showTarget() {
    setClass(Array.prototype.slice.call(document.querySelectorAll(".current")), "current", false);
    var hash = decodeURIComponent(window.location.hash || "");
    if (hash.indexOf("#ev-") !== 0) { return; }
    var eventId = hash.slice(4);
    var marks = marksOf(eventId);
    setClass(marks, "current", true);
    var card = document.getElementById("event-" + eventId);
    if (card) { card.classList.add("current"); }
    if (marks.length) { marks[0].scrollIntoView({ block: "center" }); }
  }

  function hoverCards() {
    document.querySelectorAll(".event-card").forEach(function (card) {
      var marks = marksOf(card.getAttribute("data-event"));
      card.addEventListener("mouseenter", function () { setClass(marks, "hover", true); });
      card.addEventListener("mouseleave", function () { setClass(marks, "hover", false); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("article-text")) { return; }
    hoverCards();
    showTarget();
    window.addEventListener("hashchange", showTarget);
  });
}());
